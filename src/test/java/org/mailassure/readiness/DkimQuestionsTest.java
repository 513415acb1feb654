package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.cli.CliRun;
import org.mailassure.testing.LoopbackDns;

/**
 * The DKIM check asks every expected selector at once, not one after another: with a DNS server
 * that is slow to answer, the second selector's question is already out while the first's is
 * unanswered (issue 13: "--only dkim" took 3.5 times "--only mx"; "The questions of one domain go
 * out together"). They go out with the domain's MX question, not after its answer, and a check that
 * is not chosen asks nothing.
 */
class DkimQuestionsTest {
  @TempDir Path dir;
  private LoopbackDns dns;

  @BeforeEach
  void start() throws Exception {
    dns =
        new LoopbackDns()
            .add("slow.gov.uk", "MX", "0 slow-gov-uk.mail.protection.outlook.com.")
            .add("slow-gov-uk.mail.protection.outlook.com", "A", "192.0.2.25")
            .add(
                "selector1._domainkey.slow.gov.uk",
                "CNAME",
                "selector1-slow-gov-uk._domainkey.contoso.onmicrosoft.com.")
            .add(
                "selector2._domainkey.slow.gov.uk",
                "CNAME",
                "selector2-slow-gov-uk._domainkey.contoso.onmicrosoft.com.");
    // Long enough that a question asked only after the previous answer could not overlap it.
    dns.delay(Duration.ofMillis(300));
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private CliRun check(String only) throws Exception {
    Path config = dir.resolve("mailassure.yaml");
    Files.writeString(
        config,
        """
        state-dir: state
        probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
        readiness:
          dns-servers: ["%s"]
          timeout: 5s
        domains:
          - name: slow.gov.uk
            mailbox: secureemailreply@slow.gov.uk
        """
            .formatted(dns.address()));
    return CliRun.of(
        dir,
        Map.of(),
        java.time.Clock.systemUTC(),
        d -> {},
        "check",
        "--json",
        "--only",
        only,
        "-c",
        config.toString());
  }

  @Test
  void everySelectorsQuestionIsOutBeforeTheFirstAnswerComes() throws Exception {
    CliRun r = check("dkim");

    assertThat(r.out()).as(r.err()).contains("\"dkim\"");
    assertOutTogether(
        "selector1._domainkey.slow.gov.uk", "TXT", "selector2._domainkey.slow.gov.uk", "TXT");
  }

  /**
   * Two questions that go out at once may reach the server in either order; the later one finds the
   * other still unanswered (the server answers only after its delay).
   */
  private void assertOutTogether(String one, String oneType, String two, String twoType) {
    assertThat(
            dns.unansweredWhenAsked(two, twoType).contains(one + ". " + oneType)
                || dns.unansweredWhenAsked(one, oneType).contains(two + ". " + twoType))
        .as(
            "%s %s was asked while %s %s was out, or the other way round: %s / %s",
            two,
            twoType,
            one,
            oneType,
            dns.unansweredWhenAsked(two, twoType),
            dns.unansweredWhenAsked(one, oneType))
        .isTrue();
  }

  @Test
  void theSelectorsGoOutWithTheMxQuestionNotAfterItsAnswer() throws Exception {
    CliRun r = check("mx,dkim");

    assertThat(r.out()).as(r.err()).contains("\"dkim\"");
    assertOutTogether("slow.gov.uk", "MX", "selector1._domainkey.slow.gov.uk", "TXT");
  }

  @Test
  void onlyDkimAsksTheSelectorsAndNothingElse() throws Exception {
    CliRun r = check("dkim");

    assertThat(r.out()).as(r.err()).contains("\"dkim\"");
    assertThat(dns.questionsAsked())
        .isNotEmpty()
        .allSatisfy(q -> assertThat(q).contains("._domainkey."));
  }
}
