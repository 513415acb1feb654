package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailassure.boot.Libraries;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.graph.CredentialException;
import org.mailassure.probe.Ledger;
import org.mailassure.probe.ProbeResult;
import org.mailassure.probe.ProbeSender;
import org.mailassure.probe.transport.ProbeTransport;
import org.mailassure.state.StateStore;
import org.mailassure.state.StoreException;
import org.mailassure.state.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mailassure send}: one probe now from each selected domain, in parallel under a bound. */
@Command(
    name = "send",
    footerHeading = "%nExamples:%n",
    footer = {
      "  mailassure send --domain example.gov.uk",
      "  mailassure send --give-up-after 5m --json"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every probe left",
      "1:a probe failed, or was sent but not recorded",
      "2:usage, config or state store error; nothing sent",
      "3:no probe could authenticate or connect"
    },
    mixinStandardHelpOptions = true,
    description =
        "Send one probe now from each selected domain (domains with probe: false are skipped).")
final class SendCommand implements Callable<Integer> {
  private final Context ctx;
  @Mixin CommonOptions options;

  @picocli.CommandLine.Option(
      names = "--give-up-after",
      paramLabel = "DURATION",
      defaultValue = "2m",
      description =
          "Stop retrying a domain's probe this long after the command started (30s, 2m, PT5M)."
              + " Retries wait at most 5 s, then up to 30 s: probe.retry's back-offs are the"
              + " daemon's. Default: 2m.")
  String giveUpAfter;

  SendCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(options.verbose));
    java.time.Duration giveUp = org.mailassure.config.Durations.parse(giveUpAfter);
    if (giveUp == null) {
      throw new ConfigSource.UsageError(
          "mailassure: send: --give-up-after '"
              + giveUpAfter
              + "' is not a duration of at most "
              + org.mailassure.config.Durations.format(org.mailassure.config.Durations.MAX)
              + "; write 30s, 2m or PT5M");
    }
    java.time.Instant deadline = ctx.clock().instant().plus(giveUp);
    Config config = ConfigSource.load(ctx, options);
    List<DomainSettings> selected = ConfigSource.select(config, options);
    List<DomainSettings> domains = selected.stream().filter(DomainSettings::probe).toList();
    if (domains.isEmpty()) {
      throw new ConfigSource.UsageError(
          "no selected domain sends probes (all have probe: false); nothing was sent");
    }
    StateStore store;
    try {
      store = Stores.open(config, ctx.clock().instant(), false);
      store.touch(ctx.clock().instant());
    } catch (StoreException e) {
      return StoreErrors.report(
          ctx,
          "send",
          config,
          e,
          "nothing was sent, since nothing is sent that cannot be recorded",
          "make state-dir writable for this user, or free space on its disk",
          options.json);
    }
    ProbeTransport transport;
    try {
      transport = Transports.of(config, domains, ctx);
    } catch (CredentialException | Libraries.Unavailable e) {
      store.close();
      String message = "mailassure: send: " + e.getMessage() + "; nothing was sent";
      if (options.json) {
        Json.error(ctx.out(), ExitCode.UNAVAILABLE, message);
      }
      ctx.err().println(message);
      return ExitCode.UNAVAILABLE;
    }
    List<ProbeResult> results;
    Ledger ledger = Ledger.unclaimed(store);
    try (store;
        transport) {
      ProbeSender sender =
          new ProbeSender(
              config.withRetry(config.probe().retry().forAPersonWaiting()),
              transport,
              ledger,
              ctx.clock(),
              ctx.sleeper(),
              Version.get());
      results =
          sender.sendAll(
              domains, ctx.clock().instant().truncatedTo(ChronoUnit.SECONDS), "manual", deadline);
    }
    if (options.json) {
      json(results);
    } else {
      table(results);
    }
    return ExitCode.of(results);
  }

  private void table(List<ProbeResult> results) {
    Table t =
        new Table("DOMAIN", "OUTCOME", "ATTEMPTS", "TLS", "CIPHER", "DKIM", "MESSAGE-ID", "ERROR");
    for (ProbeResult r : results) {
      t.row(
          r.domain(),
          r.sent() ? (r.unrecorded() == null ? "sent" : "sent, unrecorded") : "failed",
          r.attempts(),
          r.tlsProtocol(),
          r.tlsCipher(),
          r.dkim().journalName(),
          r.messageId(),
          r.error());
    }
    t.print(ctx.out());
    long sent = results.stream().filter(ProbeResult::sent).count();
    ctx.out().println(sent + " of " + results.size() + " probes sent");
    results.stream()
        .filter(r -> r.unrecorded() != null)
        .findFirst()
        .ifPresent(
            r ->
                ctx.err()
                    .println(
                        "mailassure: send: "
                            + org.mailassure.text.Words.count(
                                results.stream().filter(x -> x.unrecorded() != null).count(),
                                "attempt")
                            + " not recorded: "
                            + r.unrecorded()
                            + "; the state store misses them, so status and check do not see them"));
    ctx.out().flush();
  }

  private void json(List<ProbeResult> results) throws IOException {
    try (Json json = new Json(ctx.out())) {
      JsonGenerator g = json.g();
      g.writeStartObject();
      g.writeArrayFieldStart("domains");
      for (ProbeResult r : results) {
        g.writeStartObject();
        g.writeStringField("domain", r.domain());
        g.writeStringField("outcome", r.sent() ? "sent" : "failed");
        g.writeNumberField("attempts", r.attempts());
        g.writeStringField("message_id", r.messageId());
        g.writeStringField("tls_protocol", r.tlsProtocol());
        g.writeStringField("tls_cipher", r.tlsCipher());
        g.writeStringField("dkim", r.dkim().journalName());
        g.writeStringField("error", r.error());
        g.writeBooleanField("recorded", r.unrecorded() == null);
        g.writeStringField("record_error", r.unrecorded());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }
}
