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
}
