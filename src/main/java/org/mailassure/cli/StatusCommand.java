package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.JournalState;
import org.mailassure.journal.Outcome;
import org.mailassure.schedule.Schedule;
import org.mailassure.state.StoreException;
import org.mailassure.state.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mailassure status}: the last probe of each domain, from the state store, and the next
 * slot.
 */
@Command(
    name = "status",
    footerHeading = "%nExamples:%n",
    footer = {
      "  mailassure status --json | jq '.domains[] | select(.healthy | not)'",
      "  sudo -u mailassure mailassure status    (a SQLite store, as its owner)"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every domain and mailbox is healthy",
      "1:one is not (the table says why)",
      "2:usage or config error, or the store cannot be read",
      "3:the PostgreSQL store cannot be reached"
    },
    mixinStandardHelpOptions = true,
    description =
        "The last probe of each domain, from the state store, and the next scheduled slot; in"
            + " reply mode also each mailbox's last look and last reply. Exit 1 when a domain's"
            + " last slot failed, it has no success in 26 hours, the store has a slot in the"
            + " future (a clock stepped back), or a mailbox was not looked at within two poll"
            + " intervals or its last reply failed.")
final class StatusCommand implements Callable<Integer> {
  /** A domain with no success for this long is unhealthy: a day's slot plus two hours of slack. */
  static final Duration STALE = Duration.ofHours(26);

  private final Context ctx;
  @Mixin CommonOptions options;

  StatusCommand(Context ctx) {
    this.ctx = ctx;
  }

  /** One reply-mode mailbox's line. */
  record MailboxRow(
      String domain,
      String mailbox,
      org.mailassure.state.ReplyStore.MailboxState state,
      String problem) {
    boolean healthy() {
      return problem == null;
    }
  }

  /** One domain's line. */
  record Row(
      String domain, JournalEntry last, Instant lastSuccess, boolean healthy, String problem) {}

  @Override
  public Integer call() throws Exception {
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(options.verbose));
    Config config = ConfigSource.load(ctx, options);
    List<DomainSettings> domains =
        ConfigSource.select(config, options).stream().filter(DomainSettings::probe).toList();
    Instant now = ctx.clock().instant();
    JournalState state;
    try {
      state = Stores.summary(config, now);
    } catch (StoreException e) {
      return StoreErrors.report(
          ctx, "status", config, e, null, StoreErrors.readAs("status"), options.json);
    }
    List<Row> rows = new ArrayList<>();
    for (DomainSettings d : domains) {
      rows.add(row(d.name(), state, now));
    }
    List<String> selected =
        ConfigSource.select(config, options).stream().map(DomainSettings::name).toList();
    List<DomainSettings> replying =
        config.replying().stream().filter(d -> selected.contains(d.name())).toList();
    List<MailboxRow> mailboxRows = new ArrayList<>();
    if (!replying.isEmpty()) {
      java.util.Map<String, org.mailassure.state.ReplyStore.MailboxState> boxes;
      try {
        boxes = Stores.mailboxes(config, now);
      } catch (StoreException e) {
        return StoreErrors.report(
            ctx, "status", config, e, null, StoreErrors.readAs("status"), options.json);
      }
      for (DomainSettings d : replying) {
        var b = boxes.get(d.mailbox().toLowerCase(java.util.Locale.ROOT));
        mailboxRows.add(
            new MailboxRow(
                d.name(),
                d.mailbox(),
                b,
                org.mailassure.reply.MailboxHealth.problem(b, config.rule().poll(), now)
                    .orElse(null)));
      }
    }
    Instant next =
        new Schedule(config.probe().schedule(), config.probe().timeZone()).next(now).orElse(null);
    if (options.json) {
      json(rows, mailboxRows, next, config);
    } else {
      table(rows, mailboxRows, next, config);
    }
    return rows.stream().allMatch(Row::healthy)
            && mailboxRows.stream().allMatch(MailboxRow::healthy)
        ? ExitCode.OK
        : ExitCode.FAILED;
  }

  private static Row row(String domain, JournalState state, Instant now) {
    var s = state.get(domain);
    JournalEntry last = s.map(JournalState.DomainState::lastEntry).orElse(null);
    Instant success = s.map(JournalState.DomainState::lastSuccess).orElse(null);
    String problem = null;
    Instant future = s.map(JournalState.DomainState::futureSlot).orElse(null);
    if (future != null) {
      problem =
          "the state store has a slot in the future ("
              + future
              + "), left by a clock stepped back; check the clock";
    } else if (last == null) {
      problem = "no probe in the state store yet";
    } else if (last.outcome() == Outcome.FAILED || last.outcome() == Outcome.MISSED) {
      problem = "the last slot " + last.outcome().journalName();
    } else if (success == null || Duration.between(success, now).compareTo(STALE) > 0) {
      problem = "no probe sent in the last 26 hours";
    }
    return new Row(domain, last, success, problem == null, problem);
  }

  private void table(List<Row> rows, List<MailboxRow> mailboxes, Instant next, Config config) {
    Table t =
        new Table(
            "DOMAIN",
            "LAST SLOT",
            "OUTCOME",
            "AT",
            "TLS",
            "CIPHER",
            "DKIM",
            "MESSAGE-ID",
            "STATUS");
    for (Row r : rows) {
      JournalEntry e = r.last();
      java.time.ZoneId zone = config.probe().timeZone();
      t.row(
          r.domain(),
          e == null ? null : org.mailassure.text.Times.minutes(e.slot().toInstant(), zone),
          e == null ? null : e.outcome().journalName(),
          e == null ? null : org.mailassure.text.Times.seconds(e.sentAt(), zone),
          e == null ? null : e.tlsProtocol(),
          e == null ? null : e.tlsCipher(),
          e == null ? null : e.dkim(),
          e == null ? null : e.messageId(),
          r.healthy()
              ? "ok"
              : r.problem() + (e != null && e.error() != null ? ": " + e.error() : ""));
    }
    t.print(ctx.out());
    ctx.out()
        .println(
            "next slot: "
                + (next == null
                    ? "none"
                    : org.mailassure.text.Times.minutes(next, config.probe().timeZone())));
    if (!mailboxes.isEmpty()) {
      ctx.out().println();
      Table m =
          new Table("DOMAIN", "MAILBOX", "LAST LOOK", "LAST REPLY", "OUTCOME", "REPLIES", "STATUS");
      for (MailboxRow r : mailboxes) {
        var b = r.state();
        m.row(
            r.domain(),
            r.mailbox(),
            b == null
                ? null
                : org.mailassure.text.Times.seconds(b.lookedAt(), config.probe().timeZone()),
            b == null
                ? null
                : org.mailassure.text.Times.seconds(b.lastReplyAt(), config.probe().timeZone()),
            b == null || b.lastReplyOutcome() == null ? null : b.lastReplyOutcome().storeName(),
            b == null ? 0 : b.replies(),
            r.healthy() ? "ok" : r.problem());
      }
      m.print(ctx.out());
    }
    ctx.out().flush();
  }

  private void json(List<Row> rows, List<MailboxRow> mailboxes, Instant next, Config config)
      throws IOException {
    try (Json json = new Json(ctx.out())) {
      JsonGenerator g = json.g();
      g.writeStartObject();
      g.writeStringField(
          "next_slot",
          next == null
              ? null
              : next.atZone(config.probe().timeZone()).toOffsetDateTime().toString());
      g.writeArrayFieldStart("domains");
      for (Row r : rows) {
        JournalEntry e = r.last();
        g.writeStartObject();
        g.writeStringField("domain", r.domain());
        g.writeBooleanField("healthy", r.healthy());
        g.writeStringField("problem", r.problem());
        g.writeStringField(
            "last_success", r.lastSuccess() == null ? null : r.lastSuccess().toString());
        g.writeStringField("slot", e == null ? null : e.slot().toString());
        g.writeStringField("outcome", e == null ? null : e.outcome().journalName());
        g.writeStringField("sent_at", e == null ? null : e.sentAt().toString());
        g.writeStringField("tls_protocol", e == null ? null : e.tlsProtocol());
        g.writeStringField("tls_cipher", e == null ? null : e.tlsCipher());
        g.writeStringField("dkim", e == null ? null : e.dkim());
        g.writeStringField("message_id", e == null ? null : e.messageId());
        g.writeStringField("error", e == null ? null : e.error());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("mailboxes");
      for (MailboxRow r : mailboxes) {
        var b = r.state();
        g.writeStartObject();
        g.writeStringField("domain", r.domain());
        g.writeStringField("mailbox", r.mailbox());
        g.writeBooleanField("healthy", r.healthy());
        g.writeStringField("problem", r.problem());
        g.writeStringField("last_look", text(b == null ? null : b.lookedAt()));
        g.writeStringField("look_error", b == null ? null : b.lookError());
        g.writeStringField("last_reply", text(b == null ? null : b.lastReplyAt()));
        g.writeStringField(
            "last_reply_outcome",
            b == null || b.lastReplyOutcome() == null ? null : b.lastReplyOutcome().storeName());
        g.writeStringField("last_reply_error", b == null ? null : b.lastReplyError());
        g.writeNumberField("replies", b == null ? 0 : b.replies());
        g.writeNumberField("reply_failures", b == null ? 0 : b.failures());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
