package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.Config;
import org.mailassure.journal.JournalState;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.readiness.dns.DnsClient;
import org.mailassure.state.ReplyStore;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackDns;

/**
 * Issue 13: "any unexpected failure in one domain's check becomes that domain's fail ('could not
 * check: …'), the others are reported". A check whose input throws is that one check's failure.
 */
class OneCheckFaultTest {
  @TempDir Path dir;

  @Test
  void aCheckThatThrowsFailsAloneAndTheDomainsOtherChecksAreReported() throws Exception {
    try (LoopbackDns dns =
            new LoopbackDns()
                .add("good.gov.uk", "MX", "10 mail.good.gov.uk.")
                .add("mail.good.gov.uk", "A", "192.0.2.25");
        SmtpTransport relays = new SmtpTransport(null)) {
      Config config =
          Fixtures.config(
              dir,
              """
              graph:
                tenant-id: contoso.onmicrosoft.com
                auth: { type: token, token-env: T }
              rule: { action: reply }
              probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
              readiness: { dns-servers: ["%s"], timeout: 1s }
              domains:
                - name: good.gov.uk
                  mailbox: secureemailreply@good.gov.uk
              """
                  .formatted(dns.address()));
      // The state store's answer, as a broken driver might give it: reading it throws.
      Map<String, ReplyStore.MailboxState> broken =
          new AbstractMap<>() {
            @Override
            public Set<Entry<String, ReplyStore.MailboxState>> entrySet() {
              throw new IllegalStateException("the driver broke");
            }

            @Override
            public ReplyStore.MailboxState get(Object key) {
              throw new IllegalStateException("the driver broke");
            }
          };

      List<Readiness.DomainReport> reports =
          new Readiness(
                  config,
                  new DnsClient(config.readiness().dnsServers(), Duration.ofSeconds(1)),
                  PolicyFetcher.standard(Duration.ofSeconds(1)),
                  relays,
                  null,
                  JournalState.empty(),
                  Clock.systemUTC())
              .mailboxes(broken)
              .check(config.domains(), EnumSet.of(CheckId.MX, CheckId.RULE), "not chosen");

      List<CheckResult> checks = reports.get(0).checks();
      assertThat(checks.get(CheckId.MX.ordinal()).status()).isEqualTo(Status.PASS);
      CheckResult rule = checks.get(CheckId.RULE.ordinal());
      assertThat(rule.status()).isEqualTo(Status.FAIL);
      assertThat(rule.detail())
          .isEqualTo("could not check: unexpected IllegalStateException (the driver broke)");
    }
  }
}
