package org.mailassure.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mailassure.config.Config;
import org.mailassure.config.Durations;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.JournalLines;
import org.mailassure.state.StateStore;
import org.mailassure.state.StoreException;
import org.mailassure.state.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mailassure journal}: the recorded history, oldest first, streamed from the state store
 * (memory does not grow with the history). With {@code --json}, one JSON object a line (JSON
 * Lines), the fields SPEC.md names, for {@code jq}.
 */
@Command(
    name = "journal",
    footerHeading = "%nExamples:%n",
    footer = {
      "  mailassure journal --since 7d",
      "  mailassure journal --json --domain example.gov.uk | jq ."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the history was printed",
      "2:usage or config error, or the store cannot be read",
      "3:the PostgreSQL store cannot be reached"
    },
    mixinStandardHelpOptions = true,
    description =
        "The recorded history of probe attempts, oldest first. With --json, one JSON object a"
            + " line (slot, domain, sent_at, message_id, outcome, attempt, transport, trigger,"
            + " tls_protocol, tls_cipher, dkim, error).")
final class JournalCommand implements Callable<Integer> {
  private final Context ctx;
  @Mixin CommonOptions options;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Only records from this time: 2026-11-29T06:00:00Z, 2026-11-29T06:00 or 2026-11-29"
              + " (in probe.time-zone), or a duration ago such as 7d or 12h.")
  String since;

  JournalCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(options.verbose));
    Config config = ConfigSource.load(ctx, options);
    Instant from =
        since == null ? null : since(since, ctx.clock().instant(), config.probe().timeZone());
    if (!Stores.exists(config)) {
      return ExitCode.OK;
    }
    Set<String> domains = Set.copyOf(options.domains);
    String one = domains.size() == 1 ? domains.iterator().next() : null;
    int width =
        Math.max(6, config.domains().stream().mapToInt(d -> d.name().length()).max().orElse(6));
    try (StateStore store = Stores.open(config, ctx.clock().instant(), false)) {
      store.history(
          one,
          from,
          e -> {
            if (domains.isEmpty() || domains.contains(e.domain())) {
              ctx.out().println(options.json ? json(e) : line(e, width, config.probe().timeZone()));
            }
          });
    } catch (StoreException e) {
      return StoreErrors.report(
          ctx, "journal", config, e, null, StoreErrors.readAs("journal"), options.json);
    }
    ctx.out().flush();
    return ExitCode.OK;
  }

  private static String json(JournalEntry e) {
    try {
      return JournalLines.toJson(e);
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  /** A table line, its times in probe.time-zone as every table gives them (JSON keeps offsets). */
  private static String line(JournalEntry e, int width, java.time.ZoneId zone) {
    StringBuilder b = new StringBuilder(160);
    b.append(org.mailassure.text.Times.minutes(e.slot().toInstant(), zone)).append("  ");
    pad(b, e.domain(), width);
    pad(b, e.outcome().journalName(), 8);
    pad(b, "#" + e.attempt(), 3);
    b.append(org.mailassure.text.Times.seconds(e.sentAt(), zone)).append("  ");
    pad(b, e.tlsProtocol() == null ? "-" : e.tlsProtocol(), 7);
    pad(b, e.dkim() == null ? "-" : e.dkim(), 8);
    b.append(e.messageId() == null ? "-" : e.messageId());
    if (e.error() != null) {
      b.append("  ").append(e.error().replace('\n', ' '));
    }
    return b.toString();
  }

  private static void pad(StringBuilder b, String s, int width) {
    b.append(s);
    for (int i = s.length(); i < width + 2; i++) {
      b.append(' ');
    }
  }

  /**
   * A {@code --since} value: an instant or date-time with offset, a local date-time or a date in
   * the schedule's zone, or a duration back from now.
   */
  static Instant since(String text, Instant now, ZoneId zone) throws ConfigSource.UsageError {
    String t = text.strip();
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException ignored) {
      // Not this form; try the next.
    }
    try {
      return LocalDateTime.parse(t).atZone(zone).toInstant();
    } catch (DateTimeParseException ignored) {
      // As above.
    }
    try {
      return LocalDate.parse(t).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException ignored) {
      // As above.
    }
    Duration ago = Durations.parse(t);
    if (ago != null && !ago.isNegative()) {
      return now.minus(ago);
    }
    if (Durations.isTooLong(t)) {
      throw new ConfigSource.UsageError(
          "mailassure: journal: --since '"
              + text
              + "' is longer ago than "
              + Durations.format(Durations.MAX)
              + " (100 years); write a date, or a shorter duration such as 7d");
    }
    throw new ConfigSource.UsageError(
        "mailassure: journal: --since '"
            + text
            + "' is not a time; write 2026-11-29T06:00:00Z, 2026-11-29 or a duration ago such as 7d");
  }
}
