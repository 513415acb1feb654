package org.mailassure.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.cli.CliRun;
import org.mailassure.cli.ExitCode;
import org.mailassure.journal.JournalState;
import org.mailassure.journal.Metrics;
import org.mailassure.schedule.StateLock;
import org.mailassure.testing.RecordingSleeper;

/**
 * mailassure often runs as root and writes in its state-dir, which another user may be able to
 * write in too (a state-dir under /tmp, a mode 0777 left by hand, the service's own user when an
 * admin runs a command as root). The attack this guards against is the classic one on a program
 * that writes a fixed name in such a directory: a symbolic link put at that name, so that the
 * program truncates or writes the file it points to (CWE-59, "link following"). Each test puts such
 * a link and checks that its target is left as it was.
 */
class StateDirTest {
  private static final Instant NOW = Instant.parse("2026-12-07T07:00:00Z");

  @TempDir Path dir;
  private Path config;
  private Path state;
  private Path victim;

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
        """);
    state = Files.createDirectories(dir.resolve("state"));
    victim = dir.resolve("shadow");
    Files.writeString(victim, "root:$6$secret:20228:0:99999:7:::\n");
  }

  private CliRun run(String... args) {
    return CliRun.of(dir, Map.of(), Clock.fixed(NOW, ZoneOffset.UTC), new RecordingSleeper(), args);
  }

  @Test
  void asRootAStateDirEveryUserCanWriteIsRefusedNamingTheChmodAndNothingIsCreatedInIt()
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "run as root, as CI runs the tests");
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));

    for (String command : List.of("run", "send")) {
      CliRun r = run(command, "-c", config.toString());

      assertThat(r.exitCode()).as(command).isEqualTo(ExitCode.USAGE);
      assertThat(r.err())
          .as(command)
          .contains("is writable by every user (mode 0777)")
          .contains("chmod o-w " + state)
          .doesNotContain("Exception");
    }
    try (var files = Files.list(state)) {
      assertThat(files).isEmpty();
    }
    // And validate (the config as root reads it) says so first, at the key.
    assertThatThrownBy(() -> new org.mailassure.config.ConfigLoader(Map.of(), true).load(config))
        .isInstanceOf(org.mailassure.config.ConfigException.class)
        .hasMessageContaining("state-dir: '" + state + "' is writable by every user (mode 0777)")
        .hasMessageContaining("chmod o-w " + state);
  }

  @Test
  void aStateDirEveryUserCanWriteIsLeftToAnotherUserAsKubernetesMakesEveryEmptyDir()
      throws Exception {
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatCode(() -> StateDir.prepare(state, false)).doesNotThrowAnyException();
    assertThatThrownBy(() -> StateDir.prepare(state, true))
        .isInstanceOf(StateDir.UnsafeException.class)
        .hasMessageContaining("mode 0777");
  }

  @Test
  void aMissingStateDirIsCreatedAndOneOnlyItsOwnerAndGroupCanWriteIsTakenAsRoot() throws Exception {
    Path fresh = dir.resolve("fresh/state");
    StateDir.prepare(fresh, true);
    assertThat(fresh).isDirectory();
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwx---"));
    assertThatCode(() -> StateDir.prepare(state, true)).doesNotThrowAnyException();
  }

  @Test
  void aLinkAtTheLockFileIsRefusedAndTheFileItPointsToIsNotTruncated() throws Exception {
    Files.createSymbolicLink(state.resolve(StateLock.FILE_NAME), victim);

    CliRun r = run("run", "-c", config.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("mailassure.lock is a symbolic link").contains("remove the link");
    assertThat(victim).hasContent("root:$6$secret:20228:0:99999:7:::");
  }

  @Test
  void aLinkAtTheMetricsTemporaryFileIsReplacedNotWrittenThrough() throws Exception {
    Files.createSymbolicLink(state.resolve(Metrics.FILE_NAME + ".tmp"), victim);

    Metrics.write(state, new JournalState(Map.of()), List.of("a.gov.uk"), null, true);

    assertThat(victim).hasContent("root:$6$secret:20228:0:99999:7:::");
    Path metrics = state.resolve(Metrics.FILE_NAME);
    assertThat(Files.isRegularFile(metrics, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(metrics).content().contains("mailassure_state_store_up 1");
    assertThat(state.resolve(Metrics.FILE_NAME + ".tmp")).doesNotExist();
  }

  @Test
  void aLinkAtTheMetricsFileItselfIsReplacedByTheNewFileNotWrittenThrough() throws Exception {
    Files.createSymbolicLink(state.resolve(Metrics.FILE_NAME), victim);

    Metrics.write(state, new JournalState(Map.of()), List.of("a.gov.uk"), null, true);

    assertThat(victim).hasContent("root:$6$secret:20228:0:99999:7:::");
    assertThat(Files.isSymbolicLink(state.resolve(Metrics.FILE_NAME))).isFalse();
  }

  @Test
  void aLinkAtTheSqliteFileOrItsWalIsRefusedAndNothingIsWrittenWhereItPoints() throws Exception {
    for (String name : List.of(Stores.SQLITE_FILE, Stores.SQLITE_FILE + "-wal")) {
      Path link = state.resolve(name);
      Path nowhere = dir.resolve("made-through-" + name);
      Files.createSymbolicLink(link, nowhere);

      assertThatThrownBy(
              () -> {
                try (StateStore s = Stores.sqlite(state.resolve(Stores.SQLITE_FILE), "t", true)) {
                  s.migrate();
                }
              })
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(name + " is a symbolic link")
          .satisfies(
              e ->
                  assertThat(((StoreException) e).fix())
                      .hasValueSatisfying(f -> assertThat(f).startsWith("remove the link (rm ")));
      assertThat(nowhere).doesNotExist();
      Files.delete(link);
    }
  }

  @Test
  void aLinkAtTheOldJournalIsRefusedNotImportedAndLeftWhereItIs() throws Exception {
    Path link = state.resolve(JournalImport.FILE_NAME);
    Files.createSymbolicLink(link, victim);

    CliRun r = run("send", "-c", config.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("journal.jsonl is a symbolic link")
        .contains("remove the link")
        .doesNotContain("secret");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(victim).hasContent("root:$6$secret:20228:0:99999:7:::");
  }

  @Test
  void sqlitesOwnNoFollowFlagRefusesALinkEvenWithoutMailassuresLook() throws Exception {
    // The look can be raced (a link put between it and SQLite's open); SQLite's own flag, given
    // at every open, is what holds then. Its documented result: SQLITE_CANTOPEN_SYMLINK, and no
    // file made where the link points.
    Path link = state.resolve("linked.db");
    Path target = dir.resolve("target.db");
    Files.createSymbolicLink(link, target);

    assertThatThrownBy(() -> Stores.openNoFollow(link).close())
        .isInstanceOf(java.sql.SQLException.class)
        .hasMessageContaining("SQLITE_CANTOPEN_SYMLINK");
    assertThat(target).doesNotExist();
  }
}
