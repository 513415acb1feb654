package org.mailassure.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a real SQLite file, and what only SQLite has (WAL, query plans). */
class SqliteStoreTest extends StoreContract {
  @TempDir Path dir;

  Path file() {
    return dir.resolve(Stores.SQLITE_FILE);
  }

  @Override
  StateStore newStore(String holder, boolean soleWriter) {
    return Stores.sqlite(file(), holder, soleWriter);
  }

  @Override
  void execute(String sql) throws Exception {
    try (Connection c = Stores.sqliteConnection(file());
        var s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private List<String> plan(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = Stores.sqliteConnection(file());
        var s = c.createStatement();
        ResultSet r = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
      while (r.next()) {
        out.add(r.getString("detail"));
      }
    }
    return out;
  }

  @Test
  void theStoreIsInWriteAheadLogMode() throws Exception {
    store();
    try (Connection c = Stores.sqliteConnection(file());
        var s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
      r.next();
      // SQLite's documentation: "PRAGMA journal_mode" returns the mode, "wal" once set.
      assertThat(r.getString(1)).isEqualTo("wal");
    }
  }

  /**
   * Start-up, every slot and status ask for one domain's latest settled slot, its claim, the future
   * slots and the per-domain summary. SQLite's planner says "SEARCH ... USING INDEX" when a query
   * walks an index and "SCAN attempts" or "SCAN claims" when it reads the history: none of these
   * may scan, so they cost the same after one day or ten years.
   */
  @Test
  void theQueriesOfStartUpEverySlotAndStatusNeverReadTheHistory() throws Exception {
    store().record(sent("a.gov.uk", T0));
    List<String> plans = new ArrayList<>();
    for (String sql :
        List.of(
            StateStore.LAST_SETTLED_SQL,
            StateStore.FUTURE_SQL,
            StateStore.CLAIM_ROW_SQL,
            StateStore.SUMMARY_SQL)) {
      plans.addAll(plan(sql.replace("?", "1")));
    }
    assertThat(plans)
        .isNotEmpty()
        .noneMatch(p -> p.startsWith("SCAN attempts"))
        .noneMatch(p -> p.startsWith("SCAN claims"));
    assertThat(plans).anyMatch(p -> p.contains("USING INDEX claims_by_slot"));
  }

  /**
   * A full file system, raised as SQLite raises it (SQLITE_FULL: "a write could not complete
   * because the disk is full") by capping the file at its current size: the error says what is
   * wrong and where to free space, whoever runs the command.
   */
  @Test
  void aFullDiskSaysWhereToFreeSpace() throws Exception {
    store().record(sent("a.gov.uk", T0));
    StateStore capped =
        new StateStore(
            StateStore.Kind.SQLITE,
            () -> {
              org.sqlite.SQLiteConfig sc = new org.sqlite.SQLiteConfig();
              sc.setMaxPageCount(1);
              return sc.createConnection("jdbc:sqlite:" + file());
            },
            file().toString(),
            "test/1/0",
            true);
    StoreException e = null;
    for (int day = 1; day < 1000 && e == null; day++) {
      try {
        capped.record(sent("a.gov.uk", T0.plus(java.time.Duration.ofDays(day))));
      } catch (StoreException full) {
        e = full;
      }
    }
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("SQLITE_FULL");
    assertThat(e.fix())
        .hasValue(
            "the file system holding "
                + dir.toAbsolutePath()
                + " is full: free space there (df -h "
                + dir.toAbsolutePath()
                + "), then try again; nothing recorded so far is lost");
    // What was recorded before the disk filled is still there.
    assertThat(store().lastSettledSlot("a.gov.uk", T0)).hasValue(T0);
  }

  /**
   * SQLITE_NOTADB: "the file being opened does not appear to be an SQLite database file". Who runs
   * the command changes nothing, so the fix is what to do with the file.
   */
  @Test
  void aFileThatIsNotADatabaseSaysToMoveItAsideOrRestoreIt() throws Exception {
    java.nio.file.Files.writeString(
        file(), "not a database, a note someone saved here\n".repeat(200));
    StateStore s = newStore("test/1/0", true);
    StoreException e =
        org.junit.jupiter.api.Assertions.assertThrows(StoreException.class, s::migrate);
    assertThat(e.getMessage()).contains("SQLITE_NOTADB");
    assertThat(e.fix().orElseThrow())
        .contains("is damaged or is not a SQLite database")
        .contains("mv " + file() + " " + file() + ".damaged");
  }
}
