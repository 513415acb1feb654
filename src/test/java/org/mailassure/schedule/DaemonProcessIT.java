package org.mailassure.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.Installed;
import org.mailassure.testing.LoopbackRelay;
import org.mailassure.testing.Records;

/**
 * The installed layout as a real daemon process, started as the shipped unit starts it: it sends
 * the slot, is killed with SIGKILL, is started again, and neither repeats nor skips the slot; a
 * second instance is refused naming the first's pid; SIGHUP with a broken config keeps the running
 * one, with a good one loads it; SIGTERM ends it with exit code 0; the JVM itself prints nothing.
 */
class DaemonProcessIT {

  @TempDir Path dir;
  private LoopbackRelay relay;
  private Path config;

  @BeforeEach
  void start() throws Exception {
    Fixtures.writeMaterial(dir);
    relay = LoopbackRelay.starttls();
    config = dir.resolve("mailassure.yaml");
    // The slot at the start of this hour, daily: whenever this runs, it is due at start and the
    // next slot is a day away.
    Files.writeString(
        config,
        """
        state-dir: state
        probe:
          schedule: "%s"
          time-zone: UTC
          catch-up: 1d
          transport: smtp
          retry: { attempts: 2, backoff: 1s, max-backoff: 1s }
          smtp: { host: 127.0.0.1, port: %d, auth: none, trust-store: ca.pem }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
            dkim: [{ selector: mailassure1, private-key-file: rsa.pem }]
        """
            .formatted(thisHoursSlot(), relay.port()));
  }

  /**
   * A daily schedule whose slot is the start of the current UTC hour. A fixed hour made these tests
   * depend on when they ran: half an hour before a 06:00 slot, a 30-minute back-off no longer fits
   * before the next slot (less {@link Daemon#RETRY_MARGIN}), so the first refusal was final.
   */
  private static String thisHoursSlot() {
    return "0 " + java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour() + " * * *";
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private Process daemon(String log) throws IOException {
    ProcessBuilder pb =
        Installed.asTheUnitStartsIt("-c", config.toString())
            .redirectOutput(dir.resolve(log + ".out").toFile())
            .redirectError(dir.resolve(log + ".err").toFile());
    return pb.start();
  }

  private List<JournalEntry> journal() throws Exception {
    return Records.in(dir.resolve("state"));
  }

  /**
   * Waits for the daemon writing {@code log} to reach a state; fails after the timeout, showing
   * what the daemon wrote and recorded by then.
   */
  private void await(String what, String log, Duration timeout, BooleanSupplier done)
      throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    while (!done.getAsBoolean()) {
      assertThat(Instant.now())
          .as(
              () ->
                  "waiting for %s; the journal: %s; %s.err:%n%s"
                      .formatted(what, outcomes(), log, stderr(log)))
          .isBefore(end);
      Thread.sleep(50);
    }
  }

  private String outcomes() {
    try {
      return journal().stream()
          .map(e -> e.domain() + " " + e.outcome().journalName())
          .toList()
          .toString();
    } catch (Exception e) {
      return "not readable (" + e.getMessage() + ")";
    }
  }

  private String stderr(String log) {
    try {
      return Files.readString(dir.resolve(log + ".err"));
    } catch (IOException e) {
      return "";
    }
  }

  private static void signal(String name, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor())
        .isZero();
  }

  private boolean journalHasSent() {
    try {
      return journal().stream().anyMatch(e -> e.outcome() == Outcome.SENT);
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void aDaemonKilledWithSigkillAndStartedAgainNeitherRepeatsNorSkipsTheSlot() throws Exception {
    Process first = daemon("first");
    try {
      await(
          "the first daemon to send the slot",
          "first",
          Duration.ofSeconds(60),
          this::journalHasSent);
    } finally {
      first.destroyForcibly();
      first.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(relay.received()).hasSize(1);

    Path metrics = dir.resolve("state/mailassure.prom");
    Files.deleteIfExists(metrics);
    Process second = daemon("second");
    try {
      await(
          "the second daemon to settle the slot",
          "second",
          Duration.ofSeconds(60),
          () -> Files.exists(metrics));

      Process third = daemon("third");
      assertThat(third.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(third.exitValue()).isEqualTo(2);
      assertThat(Files.readString(dir.resolve("third.err"))).contains("pid " + second.pid());

      String good = Files.readString(config);
      Files.writeString(config, good.replace("catch-up: 1d", "catch-up: soon"));
      signal("HUP", second.pid());
      await(
          "the second daemon to refuse the broken config",
          "second",
          Duration.ofSeconds(60),
          () -> stderr("second").contains("keeping the running one"));
      assertThat(stderr("second")).contains("probe.catch-up: 'soon' is not a duration");
      Files.writeString(config, good);
      signal("HUP", second.pid());
      await(
          "the second daemon to load the config again",
          "second",
          Duration.ofSeconds(60),
          () -> stderr("second").contains("reload: config loaded again"));

      second.destroy(); // SIGTERM
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(second.exitValue()).as(Files.readString(dir.resolve("second.err"))).isZero();
    } finally {
      second.destroyForcibly();
    }
    assertThat(relay.received()).hasSize(1);
    assertThat(journal())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(Outcome.SENT);
              assertThat(e.trigger()).isEqualTo("schedule");
            });
    assertThat(Files.readString(metrics))
        .contains("mailassure_probe_last_success_timestamp_seconds{domain=\"example.gov.uk\"}");
    // The unit's command line starts the daemon without a word from the JVM itself.
    for (String log : List.of("first", "second", "third")) {
      assertThat(Files.readString(dir.resolve(log + ".out"))).isEmpty();
      assertThat(stderr(log)).doesNotContain("VM warning", "CompileCommand");
    }
  }

  @Test
  void sigtermDuringAHalfHourBackOffEndsTheDaemonWithin5Seconds() throws Exception {
    try (LoopbackRelay busy =
        LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .replies(n -> new org.subethamail.smtp.RejectException(451, "4.3.2 try again later"))
            .build()
            .start()) {
      Files.writeString(
          config,
          """
          state-dir: state
          probe:
            schedule: "%s"
            time-zone: UTC
            catch-up: 1d
            transport: smtp
            retry: { attempts: 5, backoff: 30m, max-backoff: 30m }
            smtp: { host: 127.0.0.1, port: %d, auth: none, trust-store: ca.pem }
          domains:
            - { name: a.example.gov.uk, mailbox: secureemailreply@a.example.gov.uk }
            - { name: b.example.gov.uk, mailbox: secureemailreply@b.example.gov.uk }
            - { name: c.example.gov.uk, mailbox: secureemailreply@c.example.gov.uk }
          """
              .formatted(thisHoursSlot(), busy.port()));
      Process daemon = daemon("busy");
      try {
        await(
            "every domain to be waiting out its back-off",
            "busy",
            Duration.ofSeconds(60),
            () -> {
              try {
                return journal().stream().filter(e -> e.outcome() == Outcome.RETRYING).count() == 3;
              } catch (Exception e) {
                return false;
              }
            });
        Instant sent = Instant.now();
        daemon.destroy(); // SIGTERM
        assertThat(daemon.waitFor(5, TimeUnit.SECONDS)).as("stopped within 5 s").isTrue();
        assertThat(Duration.between(sent, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(daemon.exitValue()).as(stderr("busy")).isZero();
      } finally {
        daemon.destroyForcibly();
      }
    }
  }

  @Test
  void startedWithSighupIgnoredTheDaemonSaysSoAndStillReloadsOnSighup() throws Exception {
    // As under nohup: the shell ignores SIGHUP, then execs the launcher, which inherits that.
    List<String> unit = Installed.asTheUnitStartsIt("-c", config.toString()).command();
    ProcessBuilder pb =
        Installed.asTheUnitStartsIt("-c", config.toString())
            .redirectOutput(dir.resolve("nohup.out").toFile())
            .redirectError(dir.resolve("nohup.err").toFile());
    List<String> command =
        new java.util.ArrayList<>(List.of("sh", "-c", "trap '' HUP; exec \"$0\" \"$@\""));
    command.addAll(unit);
    pb.command(command);
    Process daemon = pb.start();
    try {
      await(
          "the daemon to start",
          "nohup",
          Duration.ofSeconds(60),
          () -> stderr("nohup").contains("running:"));
      assertThat(stderr("nohup")).contains("SIGHUP was ignored when mailassure was started");
      signal("HUP", daemon.pid());
      await(
          "the daemon to load the config again",
          "nohup",
          Duration.ofSeconds(60),
          () -> stderr("nohup").contains("reload: config loaded again"));
      daemon.destroy();
      assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(daemon.exitValue()).as(stderr("nohup")).isZero();
    } finally {
      daemon.destroyForcibly();
    }
  }
}
