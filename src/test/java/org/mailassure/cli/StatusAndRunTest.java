package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;
import org.mailassure.schedule.StateLock;
import org.mailassure.testing.RecordingSleeper;
import org.mailassure.testing.Records;

class StatusAndRunTest {
  private static final Instant NOW = Instant.parse("2026-11-29T09:00:00Z");

  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void config() throws Exception {
    config = dir.resolve("mailassure.yaml");
    Files.writeString(
        config,
        """
        state-dir: state
        probe:
          transport: smtp
          smtp: { host: 127.0.0.1, auth: none }
        domains:
          - name: a.gov.uk
            mailbox: secureemailreply@a.gov.uk
          - name: b.gov.uk
            mailbox: secureemailreply@b.gov.uk
        """);
  }

  private CliRun run(String... args) {
    return CliRun.of(dir, Map.of(), Clock.fixed(NOW, ZoneOffset.UTC), new RecordingSleeper(), args);
  }

  private void journal(String domain, String slot, Outcome outcome, String error) throws Exception {
    Records.add(
        dir.resolve("state"),
        new JournalEntry(
            OffsetDateTime.parse(slot),
            domain,
            Instant.parse(slot).plusSeconds(3),
            "<mailassure.x@" + domain + ">",
            outcome,
            1,
            "smtp",
            "schedule",
            outcome == Outcome.SENT ? "TLSv1.3" : null,
            outcome == Outcome.SENT ? "TLS_AES_256_GCM_SHA384" : null,
            "none",
            error));
  }

  @Test
  void statusIsHealthyWhenEveryDomainSentItsLastSlotWithin26Hours() throws Exception {
    journal("a.gov.uk", "2026-11-29T06:00:00Z", Outcome.SENT, null);
    journal("b.gov.uk", "2026-11-29T06:00:00Z", Outcome.SENT, null);
    CliRun r = run("status", "-c", config.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("a.gov.uk")
        .contains("TLSv1.3")
        .contains("next slot: 2026-11-30 06:00 GMT"); // Europe/London keeps GMT in November
  }

  @Test
  void statusExitsOneWhenALastSlotFailed() throws Exception {
    journal("a.gov.uk", "2026-11-29T06:00:00Z", Outcome.SENT, null);
    journal(
        "b.gov.uk",
        "2026-11-29T06:00:00Z",
        Outcome.FAILED,
        "the relay 127.0.0.1:25 replied 550 no");
    CliRun r = run("status", "-c", config.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(r.out()).contains("the last slot failed: the relay 127.0.0.1:25 replied 550 no");
  }

  @Test
  void statusExitsOneWhenNoProbeWasSentIn26Hours() throws Exception {
    journal("a.gov.uk", "2026-11-28T06:00:00Z", Outcome.SENT, null);
    journal("b.gov.uk", "2026-11-29T06:00:00Z", Outcome.SENT, null);
    CliRun r = run("status", "--json", "-c", config.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
    var doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.get("domains").get(0).get("healthy").asBoolean()).isFalse();
    assertThat(doc.get("domains").get(0).get("problem").asText())
        .isEqualTo("no probe sent in the last 26 hours");
    assertThat(doc.get("domains").get(1).get("healthy").asBoolean()).isTrue();
    assertThat(doc.get("next_slot").asText()).isEqualTo("2026-11-30T06:00Z");
  }

  @Test
  void statusWithAnEmptyStateStoreSaysSo() {
    CliRun r = run("status", "-c", config.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(r.out()).contains("no probe in the state store yet");
  }

  @Test
  void aSecondRunExitsTwoNamingTheHoldersPid() throws Exception {
    Files.createDirectories(dir.resolve("state"));
    try (StateLock held = StateLock.acquire(dir.resolve("state"), 4242)) {
      CliRun r = run("run", "-c", config.toString());
      assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
      assertThat(r.err()).contains("pid 4242").contains("mailassure.lock");
    }
  }

  @Test
  void runRefusesADomainThatIsNotInTheConfig() {
    CliRun r = run("run", "-c", config.toString(), "--domain", "c.gov.uk");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("c.gov.uk").contains("a.gov.uk, b.gov.uk");
  }

  @Test
  void statusFlagsASlotLeftInTheFutureByAClockStepAndExitsOne() throws Exception {
    journal("a.gov.uk", "2026-11-29T06:00:00Z", Outcome.SENT, null);
    journal("b.gov.uk", "2026-11-29T06:00:00Z", Outcome.SENT, null);
    journal("b.gov.uk", "2027-01-10T06:00:00Z", Outcome.SENT, null);

    CliRun r = run("status", "--json", "-c", config.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
    var doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.at("/domains/0/healthy").asBoolean()).isTrue();
    assertThat(doc.at("/domains/1/healthy").asBoolean()).isFalse();
    assertThat(doc.at("/domains/1/problem").asText())
        .contains("slot in the future (2027-01-10T06:00:00Z)");
    // The last success shown is the one made at the real time, not the one from the future.
    assertThat(doc.at("/domains/1/last_success").asText()).isEqualTo("2026-11-29T06:00:03Z");
  }

  @Test
  void journalPrintsTheHistoryOldestFirstAsJsonLinesWithTheSpecFields() throws Exception {
    journal("a.gov.uk", "2026-11-28T06:00:00Z", Outcome.FAILED, "550 no");
    journal("b.gov.uk", "2026-11-28T06:00:00Z", Outcome.SENT, null);
    journal("a.gov.uk", "2026-11-29T06:00:00Z", Outcome.SENT, null);

    CliRun all = run("journal", "--json", "-c", config.toString());
    assertThat(all.exitCode()).as(all.err()).isZero();
    var lines = all.out().lines().toList();
    assertThat(lines).hasSize(3);
    ObjectMapper json = new ObjectMapper();
    var first = json.readTree(lines.get(0));
    assertThat(first.get("slot").asText()).isEqualTo("2026-11-28T06:00Z");
    assertThat(first.get("domain").asText()).isEqualTo("a.gov.uk");
    assertThat(first.get("sent_at").asText()).isEqualTo("2026-11-28T06:00:03Z");
    assertThat(first.get("outcome").asText()).isEqualTo("failed");
    assertThat(first.get("error").asText()).isEqualTo("550 no");
    for (String field :
        java.util.List.of("message_id", "tls_protocol", "tls_cipher", "dkim", "attempt")) {
      assertThat(first.has(field)).as(field).isTrue();
    }

    CliRun since = run("journal", "--json", "--since", "2026-11-29", "-c", config.toString());
    assertThat(since.out().lines()).singleElement().asString().contains("2026-11-29T06:00Z");
    CliRun one = run("journal", "--domain", "b.gov.uk", "-c", config.toString());
    assertThat(one.out().lines()).singleElement().asString().contains("b.gov.uk", "sent");
  }

  @Test
  void journalsTableGivesTimesInTheConfigsZoneAsEveryTableDoes() throws Exception {
    // Europe/London (the default) is on summer time in July: 06:00 UTC is 07:00 BST.
    journal("a.gov.uk", "2026-07-01T06:00:00Z", Outcome.SENT, null);
    CliRun r = run("journal", "-c", config.toString());
    assertThat(r.out().lines())
        .singleElement()
        .asString()
        .startsWith("2026-07-01 07:00 BST  a.gov.uk")
        .contains("2026-07-01 07:00:03 BST");
  }

  @Test
  void journalRefusesASinceThatIsNotATime() {
    CliRun r = run("journal", "--since", "yesterday-ish", "-c", config.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("--since 'yesterday-ish' is not a time");
  }

  @Test
  void journalRefusesADurationAgoBeforeAnyDateAsAUsageError() {
    // ISO-8601 can write a duration (2^63 - 1 seconds) that no date can be taken from.
    CliRun r = run("journal", "--since", "PT9223372036854775807S", "-c", config.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("--since 'PT9223372036854775807S' is longer ago than 36500d (100 years)")
        .doesNotContain("bug");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"soon", "PT9223372036854775807S", "-5m"})
  void sendRefusesAGiveUpTimeThatIsNotADurationBeforeLoadingAnything(String giveUp) {
    CliRun r = run("send", "--give-up-after", giveUp, "-c", config.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("--give-up-after '" + giveUp + "' is not a duration of at most 36500d")
        .doesNotContain("bug");
  }

  /**
   * Two command lines are read without picocli: the daemon's (to keep picocli's model out of the
   * daemon's memory) and a plain {@code validate} (the model was a quarter of its cold start). For
   * every form they take, picocli itself, the reference, must read the same options; anything else
   * must be left to picocli.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "run",
        "run -c /etc/mailassure/mailassure.yaml",
        "run --config=a.yaml -v --domain a.gov.uk --domain=b.gov.uk",
        "run --verbose --config a.yaml",
        "validate",
        "validate --json",
        "validate -c /etc/mailassure/mailassure.yaml --json",
        "validate --config=a.yaml -v --domain a.gov.uk --domain=b.gov.uk",
        "validate --json --verbose --config a.yaml",
      })
  void aPlainCommandLineIsReadAsPicocliReadsIt(String line) {
    String[] args = line.split(" ");
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    ConfigOptions fast;
    ConfigOptions expected;
    if (args[0].equals("run")) {
      fast = Cli.daemonOptions(args);
      RunCommand reference = new RunCommand(null);
      new picocli.CommandLine(reference).parseArgs(rest);
      expected = reference.options;
    } else {
      fast = Cli.validateOptions(args);
      ValidateCommand reference = new ValidateCommand(null);
      new picocli.CommandLine(reference).parseArgs(rest);
      expected = reference.options;
    }
    assertThat(fast).isNotNull().usingRecursiveComparison().isEqualTo(expected);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "run --help",
        "run --json",
        "run -c",
        "run -c a.yaml -c b.yaml",
        "run -v -v",
        "run extra",
        "validate --help",
        "validate -h",
        "validate -V",
        "validate --json --json",
        "validate --json=true",
        "validate -v -v",
        "validate -c",
        "validate -c a.yaml -c b.yaml",
        "validate --config=",
        "validate extra",
        "status",
        "check"
      })
  void anythingElseIsLeftToPicocli(String line) {
    assertThat(Cli.daemonOptions(line.split(" "))).isNull();
    assertThat(Cli.validateOptions(line.split(" "))).isNull();
  }

  @Test
  void validateReadWithoutPicocliStillExplainsAMissingConfigWithExitTwo() throws Exception {
    CliRun r = run("validate", "-c", dir.resolve("nowhere.yaml").toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).startsWith("mailassure: validate: config file ").contains("does not exist");
  }

  @Test
  void runDoesNotOfferJsonInItsHelpAndRefusesItAsAnUnknownOption() {
    CliRun help = run("run", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("--config").doesNotContain("--json");
    assertThat(help.out()).contains("$CONFIGURATION_DIRECTORY/mailassure.yaml");

    CliRun json = run("run", "--json", "-c", config.toString());
    assertThat(json.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(json.err()).contains("Unknown option: '--json'");
  }

  /** With --json, a failure is still one JSON document on stdout, its code the exit code. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "status --json --domain c.gov.uk",
        "status --json --bogus",
        "journal --json --since yesterday-ish",
        "status --json -c /nonexistent/mailassure.yaml",
      })
  void aFailureWithJsonIsOneErrorDocumentOnStdout(String line) throws Exception {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(line.split(" ")));
    if (!line.contains(" -c ")) {
      args.addAll(java.util.List.of("-c", config.toString()));
    }
    CliRun r = run(args.toArray(String[]::new));
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    var doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.at("/error/code").asInt()).isEqualTo(ExitCode.USAGE);
    assertThat(doc.at("/error/message").asText()).isNotBlank();
    assertThat(r.err()).isNotBlank();
  }

  @Test
  void aStoreThatCannotBeReadWithJsonIsOneErrorDocument() throws Exception {
    Files.writeString(dir.resolve("state"), "a file where the state-dir should be");
    CliRun r = run("journal", "--json", "-c", config.toString());
    // No store yet (state is a file, not a directory with a store): nothing to read, exit 0.
    assertThat(r.exitCode()).isZero();
    CliRun send = run("send", "--json", "-c", config.toString());
    assertThat(send.exitCode()).isEqualTo(ExitCode.USAGE);
    var doc = new ObjectMapper().readTree(send.out());
    assertThat(doc.at("/error/code").asInt()).isEqualTo(ExitCode.USAGE);
    assertThat(doc.at("/error/message").asText())
        .contains("is a file, not a directory", "nothing was sent");
  }

  /**
   * A state file that is not a SQLite database (SQLite's SQLITE_NOTADB: "the file being opened does
   * not appear to be an SQLite database file"): status says what the file is and what to do with
   * it, not to run it as another user, and exits 2 (SPEC: a set-up problem, nothing changed).
   */
  @Test
  void aStateFileThatIsNotADatabaseIsNamedWithWhatToDoWithIt() throws Exception {
    Path file = dir.resolve("state").resolve("mailassure.db");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "not a database\n".repeat(100));

    CliRun r = run("status", "-c", config.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("the state store " + file + " cannot be opened")
        .contains("the file is damaged or is not a SQLite database")
        .contains("mv " + file + " " + file + ".damaged")
        .doesNotContain("sudo -u mailassure");
    assertThat(Files.readString(file)).isEqualTo("not a database\n".repeat(100));
  }
}
