package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailassure.config.Config;
import org.mailassure.config.DkimKey;
import org.mailassure.config.DomainSettings;
import org.mailassure.config.Durations;
import org.mailassure.config.FileChecks;
import org.mailassure.config.ProbeSettings.TransportKind;
import org.mailassure.config.ServiceAccount;
import org.mailassure.schedule.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mailassure validate}: loads and checks the config and prints a summary of the domains. */
@Command(
    name = "validate",
    footerHeading = "%nExamples:%n",
    footer = {
      "  mailassure validate",
      "  mailassure validate -c /etc/mailassure/mailassure.yaml --json"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the config is valid",
      "2:it is not: each problem with file, line, column and fix"
    },
    mixinStandardHelpOptions = true,
    description = "Load and validate the config; print a summary of the domains.")
final class ValidateCommand implements Callable<Integer> {
  private final Context ctx;
  @Mixin CommonOptions options;

  ValidateCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(options.verbose));
    Config config = ConfigSource.load(ctx, options, serviceAccount());
    List<DomainSettings> domains = ConfigSource.select(config, options);
    // The slot the daemon would send next, daylight-saving changes included.
    Optional<Instant> slot =
        new Schedule(config.probe().schedule(), config.probe().timeZone())
            .next(ctx.clock().instant());
    ZonedDateTime next = slot.isPresent() ? slot.get().atZone(config.probe().timeZone()) : null;
    if (options.json) {
      json(config, domains, next);
    } else {
      table(config, domains, next);
    }
    return ExitCode.OK;
  }

  /**
   * The installed service's account, when this process runs as another user (root, say): the
   * service's config is then checked as the service will read it.
   */
  private static ServiceAccount serviceAccount() {
    long self;
    try {
      self =
          ((Number)
                  java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid"))
              .longValue();
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return null;
    }
    Optional<ServiceAccount> account = ServiceAccount.installed();
    return account.isPresent() && account.get().uid() != self ? account.get() : null;
  }

  private void table(Config config, List<DomainSettings> domains, ZonedDateTime next) {
    var out = ctx.out();
    out.println(
        config.source()
            + ": valid, "
            + domains.size()
            + " domain"
            + (domains.size() == 1 ? "" : "s"));
    Table t =
        new Table(
            "DOMAIN", "MAILBOX", "SENDER", "RULE", "PROBE", "LOCAL DKIM", "SELECTORS CHECKED");
    for (DomainSettings d : domains) {
      t.row(
          d.name(),
          d.mailbox(),
          d.sender(),
          d.rule() ? "yes" : "no",
          d.probe() ? "yes" : "no",
          d.dkim().isEmpty() ? "-" : describe(d.dkim()),
          String.join(", ", d.selectors()));
    }
    t.print(out);
    var p = config.probe();
    String transport =
        p.transport() == TransportKind.GRAPH
            ? "graph sendMail"
            : "smtp "
                + p.smtp().host()
                + ":"
                + p.smtp().port()
                + " "
                + p.smtp().security().configName()
                + " (TLS >= "
                + p.smtp().minTlsVersion().protocol()
                + ", auth "
                + p.smtp().auth().configName()
                + ")";
    out.println(
        "probe: "
            + transport
            + "; schedule \""
            + p.scheduleText()
            + "\" "
            + p.timeZone()
            + (next == null
                ? ""
                : ", next " + org.mailassure.text.Times.minutes(next.toInstant(), next.getZone()))
            + "; catch-up "
            + Durations.format(p.catchUp())
            + "; retry "
            + p.retry().attempts()
            + " attempts");
    out.println(
        "assessment address: "
            + config.assessmentAddress()
            + "; state: "
            + config.stateDir()
            + "; store: "
            + store(config)
            + ", retention "
            + Durations.format(config.state().retention()));
    out.println("answer: " + answer(config));
    if (config.rule().replies() && config.graph() == null && anyHasARule(domains)) {
      out.println(
          "note: rule.action is reply but there is no graph section, so nothing answers the"
              + " assessment service; add graph:, or set rule: false where probes are the"
              + " evidence.");
    }
    if (!config.rule().name().toLowerCase(java.util.Locale.ROOT).contains("mailassure")
        && anyHasARule(domains)) {
      // Rules are found by their display name alone (SPEC): a name the mailbox's owner might
      // also use makes their rule mailassure's, to update or delete.
      out.println(
          "note: rule.name '"
              + config.rule().name()
              + "' does not say mailassure; provision and rules remove take every inbox rule"
              + " of that name for mailassure's own, so one of the mailbox owner's with the same"
              + " name would be changed or deleted: a name such as '"
              + org.mailassure.config.RuleSettings.DEFAULT_NAME
              + "' keeps them apart.");
    }
    for (var file : config.serviceOnlyFiles()) {
      out.println("note: " + FileChecks.serviceOnly(file) + ".");
    }
    out.flush();
  }

  /** How the assessment service's messages are answered, in words. */
  private static String answer(Config config) {
    var r = config.rule();
    if (!r.replies()) {
      return "forward (inbox rule \"" + r.name() + "\"; needs external forwarding allowed)";
    }
    return "reply (the daemon looks every "
        + Durations.format(r.poll())
        + ", at most "
        + r.maxRepliesPerDay()
        + " replies a mailbox a day; needs Mail.ReadBasic and Mail.Send)";
  }

  /** Where records go: the SQLite file, or the PostgreSQL URL (which holds no secret). */
  private static String store(Config config) {
    return config.state().shared()
        ? "PostgreSQL " + config.state().url()
        : "SQLite " + config.stateDir().resolve(org.mailassure.state.Stores.SQLITE_FILE);
  }

  /**
   * The domain's signing keys, e.g. {@code mailassure1 (rsa-sha256), mailassure2 (ed25519-sha256)}.
   */
  private static String describe(List<DkimKey> keys) {
    StringBuilder b = new StringBuilder();
    for (DkimKey k : keys) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(k.selector()).append(" (").append(k.algorithm().tagValue()).append(')');
    }
    return b.toString();
  }

  private static boolean anyHasARule(List<DomainSettings> domains) {
    for (DomainSettings d : domains) {
      if (d.rule() && d.mailbox() != null) {
        return true;
      }
    }
    return false;
  }

  private void json(Config config, List<DomainSettings> domains, ZonedDateTime next)
      throws IOException {
    try (Json json = new Json(ctx.out())) {
      JsonGenerator g = json.g();
      g.writeStartObject();
      g.writeStringField("config", config.source().toString());
      g.writeBooleanField("valid", true);
      g.writeStringField("assessment_address", config.assessmentAddress());
      g.writeStringField("state_dir", config.stateDir().toString());
      g.writeStringField("store", store(config));
      g.writeObjectFieldStart("probe");
      g.writeStringField("transport", config.probe().transport().configName());
      g.writeStringField("schedule", config.probe().scheduleText());
      g.writeStringField("time_zone", config.probe().timeZone().getId());
      g.writeStringField("next_slot", next == null ? null : next.toOffsetDateTime().toString());
      g.writeEndObject();
      g.writeObjectFieldStart("rule");
      g.writeStringField("action", config.rule().action().configName());
      g.writeStringField("poll", Durations.format(config.rule().poll()));
      g.writeNumberField("max_replies_per_day", config.rule().maxRepliesPerDay());
      g.writeEndObject();
      g.writeArrayFieldStart("domains");
      for (DomainSettings d : domains) {
        g.writeStartObject();
        g.writeStringField("domain", d.name());
        g.writeStringField("mailbox", d.mailbox());
        g.writeStringField("sender", d.sender());
        g.writeBooleanField("rule", d.rule());
        g.writeBooleanField("probe", d.probe());
        g.writeArrayFieldStart("dkim");
        for (DkimKey k : d.dkim()) {
          g.writeStartObject();
          g.writeStringField("selector", k.selector());
          g.writeStringField("algorithm", k.algorithm().tagValue());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("selectors");
        for (String s : d.selectors()) {
          g.writeString(s);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }
}
