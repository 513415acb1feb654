package org.mailassure.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mailassure.journal.JournalEntry;
import org.mailassure.probe.Ledger;
import org.mailassure.state.StateStore;
import org.mailassure.state.StoreException;
import org.mailassure.state.Stores;

/** Reads and writes the SQLite state store in a test's state-dir through the product's store. */
public final class Records {
  private Records() {}

  /** The store in {@code stateDir}, migrated. */
  public static StateStore store(Path stateDir) throws StoreException {
    StateStore s = Stores.sqlite(stateDir.resolve(Stores.SQLITE_FILE), "test/1/0", false);
    s.migrate();
    return s;
  }

  /** Every record in the store of {@code stateDir}, oldest first; none when it has no store. */
  public static List<JournalEntry> in(Path stateDir) throws StoreException {
    List<JournalEntry> out = new ArrayList<>();
    if (!Files.exists(stateDir.resolve(Stores.SQLITE_FILE))) {
      return out;
    }
    try (StateStore s = store(stateDir)) {
      s.history(null, null, out::add);
    }
    return out;
  }

  /**
   * How many records in the store of {@code stateDir} say {@code outcome}, read without writing (so
   * a benchmark can watch a running daemon's store); 0 when there is no store yet.
   */
  public static long count(Path stateDir, String outcome) throws java.sql.SQLException {
    Path db = stateDir.resolve(Stores.SQLITE_FILE);
    if (!Files.exists(db)) {
      return 0;
    }
    org.sqlite.SQLiteConfig c = new org.sqlite.SQLiteConfig();
    c.setReadOnly(true);
    c.setBusyTimeout(10_000);
    try (java.sql.Connection conn = c.createConnection("jdbc:sqlite:" + db);
        var p = conn.prepareStatement("SELECT count(*) FROM attempts WHERE outcome = ?")) {
      p.setString(1, outcome);
      try (var r = p.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      } catch (java.sql.SQLException e) {
        return 0; // the daemon has not made its tables yet
      }
    }
  }

  /** Deletes the store in {@code stateDir} (the database and its WAL files). */
  public static void delete(Path stateDir) throws IOException {
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(stateDir.resolve(Stores.SQLITE_FILE + suffix));
    }
  }

  /** Records entries as if earlier runs had. */
  public static void add(Path stateDir, JournalEntry... entries) throws StoreException {
    try (StateStore s = store(stateDir)) {
      for (JournalEntry e : entries) {
        s.record(e);
      }
    }
  }

  /**
   * What a store in {@code stateDir} holding {@code entries} says of each domain at {@code now}.
   */
  public static org.mailassure.journal.JournalState summary(
      Path stateDir, java.time.Instant now, JournalEntry... entries) throws StoreException {
    add(stateDir, entries);
    try (StateStore s = store(stateDir)) {
      return s.summary(now);
    }
  }

  /** A ledger that records into the store of {@code stateDir} without claims, as send does. */
  public static Ledger ledger(Path stateDir) throws StoreException {
    return Ledger.unclaimed(store(stateDir));
  }

  /**
   * Every byte the store keeps on disk (the database and its write-ahead log), as text, so a test
   * can show that a secret never reached it in any form.
   */
  public static String rawBytes(Path stateDir) throws IOException {
    StringBuilder b = new StringBuilder();
    for (String name : List.of(Stores.SQLITE_FILE, Stores.SQLITE_FILE + "-wal")) {
      Path p = stateDir.resolve(name);
      if (Files.exists(p)) {
        b.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    return b.toString();
  }
}
