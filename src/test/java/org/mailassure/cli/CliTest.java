package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackRelay;
import org.mailassure.testing.RecordingSleeper;
import org.subethamail.smtp.RejectException;

/** The command line driven in-process: output, JSON, exit codes. */
class CliTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-29T07:30:00Z"), ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private LoopbackRelay relay;

  @BeforeEach
  void material() throws Exception {
    Fixtures.writeMaterial(dir);
  }

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  private Path config(int port) throws Exception {
    return config(port, port);
  }

  private Path config(int port, int portOfTwo) throws Exception {
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(
        file,
        """
        state-dir: state
        probe:
          transport: smtp
          retry: { attempts: 2, backoff: 1s, max-backoff: 1s }
          smtp: { host: 127.0.0.1, port: %d, auth: none, trust-store: ca.pem }
        domains:
          - name: one.example.gov.uk
            mailbox: secureemailreply@one.example.gov.uk
            dkim: [{ selector: mailassure1, private-key-file: rsa.pem }]
          - name: two.example.gov.uk
            mailbox: secureemailreply@two.example.gov.uk
            smtp: { port: %d }
          - name: quiet.example.gov.uk
            mailbox: secureemailreply@quiet.example.gov.uk
            probe: false
        """
            .formatted(port, portOfTwo));
    return file;
  }

  private CliRun run(String... args) {
    return CliRun.of(dir, Map.of(), CLOCK, new RecordingSleeper(), args);
  }

  @Test
  void versionPrintsTheVersionAndExitsZero() {
    CliRun run = run("--version");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("mailassure ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "validate",
        "provision",
        "rules list",
        "rules remove",
        "send",
        "run",
        "reply",
        "status",
        "check",
        "dkim keygen",
        "connectors",
        "demo"
      })
  void everyCommandHasHelp(String command) {
    String[] words = (command + " --help").split(" ");
    CliRun run = run(words);
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: mailassure " + command);
    // Issue 15: an example and the command's own exit codes, within 80 columns.
    assertThat(run.out()).contains("\nExamples:\n  mailassure ").contains("\nExit codes:\n  0 ");
    assertThat(run.out().lines())
        .allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
    // No token cut in two: picocli's own wrapping broke ./mailassure.yaml after the dot.
    List<String> lines = run.out().lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      String a = lines.get(i);
      String b = lines.get(i + 1).stripLeading();
      boolean cut =
          !a.isEmpty()
              && !b.isEmpty()
              && "./_-".indexOf(a.charAt(a.length() - 1)) >= 0
              && (Character.isLowerCase(b.charAt(0)) || "_$/".indexOf(b.charAt(0)) >= 0);
      assertThat(cut).as("a token cut between\n" + a + "\n" + lines.get(i + 1)).isFalse();
    }
    if (command.equals("demo")) {
      // The one command that looks for no config of its own accord (README, Commands).
      assertThat(run.out()).contains("--config=FILE").contains("it reads no config unless named");
    } else if (run.out().contains("--config=FILE")) {
      assertThat(run.out()).contains("./mailassure.yaml,");
    }
  }

  /** Issue 15: "errors as mailassure: <command>: <what>; <fix>", and with --json one document. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "status|status --bogus -c CONFIG",
        "send|send --domain nope.example.gov.uk -c CONFIG",
        "journal|journal --since soon -c CONFIG",
        "validate|validate -c DIR/missing.yaml",
        "run|run -c DIR/missing.yaml",
        "dkim keygen|dkim keygen --domain example.gov.uk --selector s1 --out DIR/nope"
      })
  void everyErrorSaysMailassureAndItsCommandFirst(String spec) throws Exception {
    String command = spec.substring(0, spec.indexOf('|'));
    String[] args =
        spec.substring(spec.indexOf('|') + 1)
            .replace("CONFIG", config(25).toString())
            .replace("DIR", dir.toString())
            .split(" ");

    CliRun plain = run(args);
    String[] withJson = java.util.Arrays.copyOf(args, args.length + 1);
    withJson[args.length] = "--json";
    CliRun json = run(withJson);

    assertThat(plain.exitCode()).as(plain.err()).isEqualTo(ExitCode.USAGE);
    assertThat(plain.err()).startsWith("mailassure: " + command + ": ");
    assertThat(plain.err().lines().findFirst().orElseThrow())
        .doesNotStartWith("mailassure: " + command + ": mailassure");
    if (!command.equals("run")) {
      JsonNode doc = JSON.readTree(json.out());
      assertThat(doc.at("/error/code").asInt()).isEqualTo(ExitCode.USAGE);
      assertThat(doc.at("/error/message").asText()).startsWith("mailassure: " + command + ": ");
    }
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    CliRun run = run("frobnicate");
    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("frobnicate");
  }

  @Test
  void validatePrintsOneRowPerDomain() throws Exception {
    CliRun run = run("validate", "-c", config(25).toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("valid, 3 domains")
        .contains("one.example.gov.uk")
        .contains("mailassure1 (rsa-sha256)")
        .contains("selector1, selector2, mailassure1")
        .contains("next 2026-11-30 06:00 GMT");
  }

  @Test
  void aRuleNameThatDoesNotSayMailassureIsPointedOut() throws Exception {
    Path file = config(25);
    assertThat(run("validate", "-c", file.toString()).out()).doesNotContain("rule.name");

    Files.writeString(file, Files.readString(file) + "rule: { name: Newsletters }\n");
    CliRun run = run("validate", "-c", file.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("note: rule.name 'Newsletters' does not say mailassure")
        .contains("one of the mailbox owner's with the same name would be changed or deleted");
  }

  @Test
  void validateJsonIsOneDocumentOnStdout() throws Exception {
    CliRun run =
        run("validate", "--json", "-c", config(25).toString(), "--domain", "two.example.gov.uk");
    JsonNode doc = JSON.readTree(run.out());
    assertThat(doc.get("valid").asBoolean()).isTrue();
    assertThat(doc.get("domains")).hasSize(1);
    assertThat(doc.get("domains").get(0).get("domain").asText()).isEqualTo("two.example.gov.uk");
  }

  @Test
  void theConfigIsFoundThroughTheEnvironmentVariable() throws Exception {
    Path file = config(25);
    CliRun run =
        CliRun.of(
            dir.resolve("state").getParent().getParent(),
            Map.of("MAILASSURE_CONFIG", file.toString()),
            CLOCK,
            new RecordingSleeper(),
            "validate");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains(file.toString());
  }

  @Test
  void aMissingConfigFileIsAUsageErrorThatSaysWhatToDo() {
    CliRun run = run("validate", "-c", dir.resolve("absent.yaml").toString());
    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("does not exist").contains("mailassure.example.yaml");
  }

  @Test
  void noConfigAnywhereIsAUsageErrorNamingEveryPlaceLooked() {
    Path work = dir.resolve("empty");
    CliRun run =
        CliRun.of(
            work,
            Map.of("CONFIGURATION_DIRECTORY", "/etc/mailassure-from-systemd"),
            CLOCK,
            new RecordingSleeper(),
            "status");
    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err())
        .contains("no config file: none was named with -c FILE or $MAILASSURE_CONFIG")
        .contains(
            work.resolve("mailassure.yaml")
                + ", /etc/mailassure-from-systemd/mailassure.yaml and "
                + work.resolve("no-system-config/mailassure.yaml"))
        .contains("mailassure.example.yaml")
        .endsWith(", or name one with -c FILE\n");
  }

  @Test
  void anUnknownDomainIsAUsageErrorAndNothingIsSent() throws Exception {
    relay = LoopbackRelay.starttls();
    CliRun run = run("send", "-c", config(relay.port()).toString(), "--domain", "nope.gov.uk");
    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("nope.gov.uk").contains("one.example.gov.uk");
    assertThat(relay.received()).isEmpty();
  }

  @Test
  void sendSendsEveryProbingDomainAndPrintsTheTable() throws Exception {
    relay = LoopbackRelay.starttls();
    CliRun run = run("send", "-c", config(relay.port()).toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(relay.received())
        .extracting(LoopbackRelay.Received::from)
        .containsExactlyInAnyOrder(
            "secureemailreply@one.example.gov.uk", "secureemailreply@two.example.gov.uk");
    assertThat(run.out())
        .contains("one.example.gov.uk")
        .contains("two.example.gov.uk")
        .doesNotContain("quiet.example.gov.uk")
        .contains("2 of 2 probes sent")
        .contains("signed");
    assertThat(org.mailassure.testing.Records.in(dir.resolve("state"))).hasSize(2);
  }

  @Test
  void sendJsonReportsTlsAndDkimPerDomain() throws Exception {
    relay = LoopbackRelay.starttls();
    CliRun run =
        run(
            "send",
            "--json",
            "-c",
            config(relay.port()).toString(),
            "--domain",
            "one.example.gov.uk");
    JsonNode doc = JSON.readTree(run.out());
    assertThat(doc.get("domains"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.get("outcome").asText()).isEqualTo("sent");
              assertThat(d.get("tls_protocol").asText()).startsWith("TLSv1.");
              assertThat(d.get("dkim").asText()).isEqualTo("signed");
              assertThat(d.get("message_id").asText())
                  .isEqualTo("<mailassure.20261129T073000Z@one.example.gov.uk>");
            });
  }

  @Test
  void oneFailingDomainDoesNotStopTheOthersAndExitsOne() throws Exception {
    relay =
        LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .replies(i -> null)
            .build()
            .start();
    try (LoopbackRelay refusing =
        LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .replies(i -> new RejectException(550, "5.7.1 no"))
            .build()
            .start()) {
      Path file = config(relay.port(), refusing.port());
      CliRun run = run("send", "-c", file.toString());
      assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCode.FAILED);
      assertThat(relay.received()).hasSize(1);
      assertThat(run.out()).contains("failed").contains("550");
    }
  }

  @Test
  void whenNoDomainCanReachTheRelayTheExitCodeIsThree() throws Exception {
    int closed;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    CliRun run = run("send", "-c", config(closed).toString());
    assertThat(run.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
  }

  @Test
  void sendByHandRetriesSoonAndGivesUpAfterTwoMinutesNotTheDaemonsFifteen() throws Exception {
    int closed;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Path file = dir.resolve("patient.yaml");
    Files.writeString(
        file,
        """
        state-dir: state
        probe:
          transport: smtp
          retry: { attempts: 5, backoff: 1m, max-backoff: 30m }
          smtp: { host: 127.0.0.1, port: %d, auth: none, trust-store: ca.pem }
        domains:
          - name: one.example.gov.uk
            mailbox: secureemailreply@one.example.gov.uk
        """
            .formatted(closed));
    RecordingSleeper sleeper = new RecordingSleeper();

    CliRun run = CliRun.of(dir, Map.of(), CLOCK, sleeper, "send", "-c", file.toString());

    // A person waits 5 s, then 10, 20: never the daemon's minutes (5 attempts, so 4 waits).
    assertThat(sleeper.waits())
        .containsExactly(
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(20),
            Duration.ofSeconds(30));
    assertThat(run.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);

    // The clock stands still here, so a give-up time shorter than the first wait stops at once.
    RecordingSleeper hasty = new RecordingSleeper();
    CliRun now =
        CliRun.of(
            dir, Map.of(), CLOCK, hasty, "send", "--give-up-after", "3s", "-c", file.toString());
    assertThat(hasty.waits()).isEmpty();
    assertThat(now.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
  }

  @Test
  void aRelayNameThatDoesNotResolveIsFinalAndSaysSo() throws Exception {
    Path file = dir.resolve("unknown.yaml");
    // .invalid is reserved (RFC 2606); the test JVM resolves names from a hosts file only.
    Files.writeString(
        file,
        """
        state-dir: state
        probe:
          transport: smtp
          smtp: { host: relay.example.invalid, port: 25999, auth: none, trust-store: ca.pem }
        domains:
          - name: one.example.gov.uk
            mailbox: secureemailreply@one.example.gov.uk
        """);
    RecordingSleeper sleeper = new RecordingSleeper();

    CliRun run = CliRun.of(dir, Map.of(), CLOCK, sleeper, "send", "-c", file.toString());

    assertThat(run.out() + run.err())
        .contains("the relay's name relay.example.invalid did not resolve; check smtp.host");
    assertThat(sleeper.waits()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED);
  }

  @Test
  void anUnexpectedFailureIsOneLineInWordsWithoutAStackTrace() throws Exception {
    Clock broken =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public java.time.Instant instant() {
            throw new IllegalStateException("the clock broke");
          }
        };

    CliRun run =
        CliRun.of(
            dir, Map.of(), broken, new RecordingSleeper(), "send", "-c", config(1).toString());

    assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(run.err())
        .isEqualTo(
            "mailassure: send: unexpected IllegalStateException: the clock broke; this is a bug in"
                + " mailassure: run it again with -v and report what it prints\n");
  }

  @Test
  void aStateStoreThatCannotBeWrittenSendsNothingAndExitsTwo() throws Exception {
    relay = LoopbackRelay.starttls();
    Path file = config(relay.port());
    // state-dir names a file: nothing can be stored there, whoever runs the command (root too).
    Files.writeString(dir.resolve("state"), "not a directory");
    CliRun run = run("send", "-c", file.toString());
    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(relay.received()).isEmpty();
    assertThat(run.err())
        .startsWith("mailassure: send: the state store " + dir.resolve("state/mailassure.db"))
        .contains(dir.resolve("state") + " is a file, not a directory")
        .contains("nothing was sent, since nothing is sent that cannot be recorded");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aConfigErrorSendsNothing() throws Exception {
    relay = LoopbackRelay.starttls();
    Path file = config(relay.port());
    Files.writeString(file, Files.readString(file).replace("probe: false", "probe: nope"));
    CliRun run = run("send", "-c", file.toString());
    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(relay.received()).isEmpty();
    assertThat(dir.resolve("state/mailassure.db")).doesNotExist();
  }

  @Test
  void demoSendsVerifiesAndReportsEveryDomain() {
    CliRun run = CliRun.of(dir, Map.of(), Clock.systemUTC(), d -> {}, "demo", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode doc;
    try {
      doc = JSON.readTree(run.out());
    } catch (Exception e) {
      throw new AssertionError(run.out(), e);
    }
    assertThat(doc.get("ok").asBoolean()).isTrue();
    assertThat(doc.get("domains"))
        .hasSize(3)
        .allSatisfy(
            d -> {
              assertThat(d.get("delivered").asBoolean()).isTrue();
              assertThat(d.get("tls_protocol").asText()).isIn("TLSv1.2", "TLSv1.3");
              assertThat(d.get("dkim"))
                  .isNotEmpty()
                  .allSatisfy(s -> assertThat(s.get("result").asText()).isEqualTo("pass"));
            });
    JsonNode reply = doc.get("reply");
    assertThat(reply.get("ok").asBoolean()).as(run.out()).isTrue();
    assertThat(reply.get("replied_to"))
        .extracting(JsonNode::asText)
        .containsExactly("emailsecurity@domaininformation.service.gov.uk");
    assertThat(reply.get("reply_to_header").asText())
        .isNotEqualTo(reply.at("/replied_to/0").asText());
    assertThat(reply.get("text").asText()).contains("council.example");
    assertThat(reply.get("second_look_replies").asInt()).isZero();
  }

  @Test
  void demoWithAConfigRunsItsDomainsAndSelectorsWithoutOpeningItsKeys() throws Exception {
    Path keys = Files.createDirectory(dir.resolve("keys"));
    Path realKey = Files.writeString(keys.resolve("real.pem"), "not read by the demo");
    Files.setPosixFilePermissions(
        realKey, java.nio.file.attribute.PosixFilePermissions.fromString("-w-------"));
    Path file = dir.resolve("demo-config.yaml");
    Files.writeString(
        file,
        """
        graph: { tenant-id: contoso.onmicrosoft.com, auth: { type: azure-cli } }
        domains:
          - name: first.gov.uk
            mailbox: shared@first.gov.uk
            dkim:
              - { selector: s2026a, private-key-file: keys/real.pem }
              - { selector: s2026b, private-key-file: keys/not-made-yet.pem }
          - name: second.gov.uk
          - name: third.gov.uk
        """);

    CliRun all = run("demo", "-c", file.toString(), "--json");
    CliRun one = run("demo", "-c", file.toString(), "--domain", "Third.gov.uk", "--json");
    CliRun unknown = run("demo", "-c", file.toString(), "--domain", "elsewhere.gov.uk");

    assertThat(all.exitCode()).as(all.err()).isZero();
    JsonNode doc = JSON.readTree(all.out());
    assertThat(doc.get("ok").asBoolean()).isTrue();
    assertThat(doc.get("domains"))
        .extracting(d -> d.get("domain").asText())
        .containsExactly("first.gov.uk", "second.gov.uk", "third.gov.uk");
    assertThat(doc.at("/domains/0/dkim"))
        .extracting(d -> d.get("selector").asText() + " " + d.get("result").asText())
        .containsExactly("s2026a pass", "s2026b pass");
    assertThat(doc.at("/domains/1/dkim"))
        .extracting(d -> d.get("selector").asText())
        .containsExactly("mailassure-demo");
    assertThat(doc.at("/reply/mailbox").asText()).isEqualTo("shared@first.gov.uk");
    assertThat(doc.at("/reply/ok").asBoolean()).as(all.out()).isTrue();
    assertThat(doc.at("/reply/text").asText()).contains("first.gov.uk");
    assertThat(Files.readString(realKey)).isEqualTo("not read by the demo");
    assertThat(keys.resolve("not-made-yet.pem")).doesNotExist();

    assertThat(one.exitCode()).as(one.err()).isZero();
    assertThat(JSON.readTree(one.out()).get("domains"))
        .extracting(d -> d.get("domain").asText())
        .containsExactly("third.gov.uk");
    assertThat(JSON.readTree(one.out()).at("/reply/mailbox").asText())
        .isEqualTo("secureemailreply@third.gov.uk");

    assertThat(unknown.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(unknown.err())
        .contains(
            "--domain elsewhere.gov.uk: not in "
                + file
                + "; it has first.gov.uk, second.gov.uk, third.gov.uk");
  }

  @Test
  void demoRefusesAConfigMailboxOutsideItsDomainOnOneLineAndADomainNamedTwice() throws Exception {
    Path file = dir.resolve("demo-config.yaml");
    Files.writeString(
        file,
        """
        domains:
          - name: first.gov.uk
            mailbox: "shared@first.gov.uk\\n: injected"
        """);

    CliRun r = run("demo", "-c", file.toString());
    Files.writeString(
        file,
        "domains:\n  - name: first.gov.uk\n  - name: second.gov.uk\n  - name: First.gov.uk\n");
    CliRun twice = run("demo", "-c", file.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err().strip())
        .isEqualTo(
            "mailassure: demo: "
                + file
                + ": the mailbox 'shared@first.gov.uk : injected' of first.gov.uk is not an"
                + " address in that domain; run 'mailassure validate -c "
                + file
                + "' and correct it");
    assertThat(twice.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(twice.err().strip())
        .isEqualTo(
            "mailassure: demo: "
                + file
                + " names the domain first.gov.uk twice; run 'mailassure validate -c "
                + file
                + "' and correct it");
  }

  @Test
  void demoReadsNoConfigUnlessNamedAndAMissingOneIsAUsageError() throws Exception {
    Files.writeString(dir.resolve("mailassure.yaml"), "this: [ is not a mailassure config");

    CliRun examples = run("demo", "--domain", "trust.example", "--json");
    CliRun missing = run("demo", "-c", dir.resolve("missing.yaml").toString());

    assertThat(examples.exitCode()).as(examples.err()).isZero();
    assertThat(JSON.readTree(examples.out()).get("domains"))
        .extracting(d -> d.get("domain").asText())
        .containsExactly("trust.example");
    assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(missing.err()).contains(dir.resolve("missing.yaml") + " does not exist");
  }

  @Test
  void helpWithoutACommandPrintsTheCommandsAndWithOnePrintsItsUsage() {
    CliRun top = run("help");
    assertThat(top.exitCode()).as(top.err()).isZero();
    assertThat(top.out()).contains("Usage: mailassure").contains("journal").contains("status");

    CliRun status = run("help", "status");
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out()).contains("Usage: mailassure status");
  }
}
