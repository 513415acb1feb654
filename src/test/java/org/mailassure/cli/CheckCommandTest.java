package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.testing.LoopbackDns;
import org.mailassure.testing.RecordingSleeper;

/** check through the CLI: JSON of SPEC.md's shape, the table, --only/--skip, exit codes. */
class CheckCommandTest {
  @TempDir Path dir;
  private LoopbackDns dns;
  private Path config;

  @BeforeEach
  void start() throws Exception {
    dns =
        new LoopbackDns()
            .add("good.gov.uk", "MX", "10 mail.good.gov.uk.")
            .add("mail.good.gov.uk", "A", "192.0.2.25")
            .txt("good.gov.uk", "v=spf1 ip4:192.0.2.1 -all")
            .txt("_dmarc.good.gov.uk", "v=DMARC1; p=reject; rua=mailto:dmarc@good.gov.uk")
            .txt("bad.gov.uk", "v=spf1 +all");
    config = dir.resolve("mailassure.yaml");
    Files.writeString(
        config,
        """
        state-dir: state
        probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
        readiness:
          dns-servers: ["%s"]
          timeout: 5s
          dmarc-rua: ["mailto:dmarc@good.gov.uk"]
        domains:
          - name: good.gov.uk
            mailbox: secureemailreply@good.gov.uk
          - name: bad.gov.uk
            mailbox: secureemailreply@bad.gov.uk
        """
            .formatted(dns.address()));
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private CliRun run(String... args) {
    return CliRun.of(dir, Map.of(), java.time.Clock.systemUTC(), new RecordingSleeper(), args);
  }

  @Test
  void jsonHasSpecsShapeAndAFailingCheckExitsOne() throws Exception {
    CliRun r = run("check", "--json", "--only", "mx,spf,dmarc", "-c", config.toString());
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCode.FAILED);
    JsonNode doc = new ObjectMapper().readTree(r.out());
    JsonNode good = doc.at("/domains/0");
    assertThat(good.get("domain").asText()).isEqualTo("good.gov.uk");
    assertThat(good.get("checks")).hasSize(9);
    assertThat(good.at("/checks/0/id").asText()).isEqualTo("mx");
    assertThat(good.at("/checks/0/status").asText()).isEqualTo("pass");
    assertThat(good.at("/checks/1/status").asText()).isEqualTo("pass");
    assertThat(good.at("/checks/3/status").asText()).isEqualTo("skip");
    assertThat(good.at("/checks/3/detail").asText()).isEqualTo("not in --only");
    JsonNode badSpf = doc.at("/domains/1/checks/1");
    assertThat(badSpf.get("status").asText()).isEqualTo("fail");
    assertThat(badSpf.get("fix").asText()).contains("-all");
  }

  /** Points readiness.dns-servers at a loopback UDP port nothing listens on; returns the port. */
  private int pointAtAClosedPort() throws Exception {
    int closed;
    try (var s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Files.writeString(
        config, Files.readString(config).replace(dns.address(), "127.0.0.1:" + closed));
    return closed;
  }

  @Test
  void whenNoResolverAnswersCheckExitsThreeAndSaysWhich() throws Exception {
    int closed = pointAtAClosedPort();
    CliRun r = run("check", "--only", "mx,spf,dmarc", "-c", config.toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(r.err())
        .contains("no DNS server answered (127.0.0.1:" + closed + ", each question given");
    assertThat(r.out().replaceAll("\\s+", " "))
        .contains("127.0.0.1:" + closed + " refused the question (no DNS server listens there)");
  }

  @Test
  void everyDnsCheckThatCouldNotAskSaysSoWithTheFixTheReadmeGives() throws Exception {
    int closed = pointAtAClosedPort();
    CliRun r =
        run(
            "check",
            "--json",
            "--domain",
            "good.gov.uk",
            "--only",
            "mx,spf,dmarc,dkim,mta-sts,tls-rpt",
            "-c",
            config.toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCode.UNAVAILABLE);
    JsonNode checks = new ObjectMapper().readTree(r.out()).at("/domains/0/checks");
    List<String> dnsChecks = List.of("mx", "spf", "dmarc", "dkim", "mta-sts", "tls-rpt");
    int seen = 0;
    for (JsonNode c : checks) {
      if (dnsChecks.contains(c.get("id").asText())) {
        seen++;
        assertThat(c.get("status").asText()).as(c.toString()).isEqualTo("fail");
        assertThat(c.get("detail").asText()).as(c.toString()).startsWith("could not check: ");
        // README, "check": the one fix for a question no DNS server answered.
        assertThat(c.get("fix").asText())
            .as(c.toString())
            .isEqualTo(
                "make sure readiness.dns-servers answer (or the system's resolvers), then run"
                    + " check again");
      }
    }
    assertThat(seen).isEqualTo(dnsChecks.size());
  }

  @Test
  void onlyPassingChecksExitZeroAndTheTableSaysSo() {
    CliRun r =
        run("check", "--domain", "good.gov.uk", "--only", "mx,spf,dmarc", "-c", config.toString());
    assertThat(r.exitCode()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("good.gov.uk: pass")
        .contains("1 domain: 1 ready, 0 with warnings, 0 failing");
  }

  @Test
  void aGraphCredentialThatCannotBeBuiltFailsTheRuleCheckSayingWhy() throws Exception {
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "probe: {",
                "graph: { tenant-id: contoso.onmicrosoft.com, auth: { type: token, token-env: NOT_SET_HERE } }\nrule: { action: forward }\nprobe: {"));
    CliRun r =
        run(
            "check",
            "--json",
            "--only",
            "rule",
            "--domain",
            "good.gov.uk",
            "-c",
            config.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
    JsonNode rule = new ObjectMapper().readTree(r.out()).at("/domains/0/checks/7");
    assertThat(rule.get("id").asText()).isEqualTo("rule");
    assertThat(rule.get("status").asText()).isEqualTo("fail");
    assertThat(rule.get("detail").asText()).contains("NOT_SET_HERE");
  }

  /**
   * SPEC.md: in reply mode the rule check passes when "the mailbox was looked at within two poll
   * intervals and the last reply did not fail". The store is written as the agent writes it.
   */
  @Test
  void inReplyModeTheRuleCheckReadsTheLastLookFromTheStateStore() throws Exception {
    Files.writeString(
        config,
        Files.readString(config)
            .replace(
                "probe: {",
                "graph: { tenant-id: contoso.onmicrosoft.com, auth: { type: token, token-env: T } }\n"
                    + "rule: { action: reply, poll: 5m }\nprobe: {"));
    java.time.Instant now = java.time.Instant.now();
    Files.createDirectories(dir.resolve("state"));
    try (var store = org.mailassure.testing.Records.store(dir.resolve("state"))) {
      var replies = new org.mailassure.state.ReplyStore(store);
      replies.recordLook(
          "secureemailreply@good.gov.uk", "good.gov.uk", now.minusSeconds(60), null, now);
      replies.recordLook(
          "secureemailreply@bad.gov.uk", "bad.gov.uk", now.minusSeconds(11 * 60), null, now);
    }

    CliRun r = run("check", "--json", "--only", "rule", "-c", config.toString());

    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.at("/domains/0/checks/7/id").asText()).isEqualTo("rule");
    assertThat(doc.at("/domains/0/checks/7/status").asText()).as(r.out()).isEqualTo("pass");
    // Eleven minutes is more than two 5-minute polls.
    assertThat(doc.at("/domains/1/checks/7/status").asText()).isEqualTo("fail");
    assertThat(doc.at("/domains/1/checks/7/detail").asText())
        .contains("more than two poll intervals (10 min)");
    assertThat(doc.at("/domains/1/checks/7/fix").asText())
        .contains("mailassure reply --domain bad.gov.uk");
    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
  }

  @Test
  void theTableFitsTheTerminalAndBreaksNoWord() {
    for (String columns : new String[] {"80", "60", "120"}) {
      CliRun r =
          CliRun.of(
              dir,
              Map.of("COLUMNS", columns),
              java.time.Clock.systemUTC(),
              new RecordingSleeper(),
              "check",
              "--only",
              "mx,spf,dmarc",
              "-c",
              config.toString());
      int width = Integer.parseInt(columns);
      assertThat(r.out().lines()).as(columns).allMatch(l -> l.length() <= width);
      // Every word of every detail and fix is whole on some line.
      String words = r.out().replaceAll("\\s+", " ");
      assertThat(words).contains("fix: publish");
    }
  }

  @Test
  void wrappingKeepsWordsWholeAndCutsOnlyAWordLongerThanALine() {
    assertThat(CheckCommand.wrap("one two three four", 20)).containsExactly("one two three four");
    assertThat(CheckCommand.wrap("alpha beta gamma delta epsilon", 20))
        .containsExactly("alpha beta gamma", "delta epsilon");
    assertThat(CheckCommand.wrap("x " + "y".repeat(25), 20))
        .containsExactly("x", "y".repeat(20), "y".repeat(5));
  }

  @Test
  void anUnknownCheckIdIsAUsageError() {
    CliRun r = run("check", "--skip", "spff", "-c", config.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("spff").contains("mta-sts");
  }
}
