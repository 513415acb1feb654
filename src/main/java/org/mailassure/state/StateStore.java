package org.mailassure.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.JournalState;
import org.mailassure.journal.Outcome;
import org.mailassure.secrets.Secrets;
import org.mailassure.text.Shell;

/**
 * The state store: every probe attempt, a summary per domain and the claims that make each
 * scheduled (domain, slot) go once, in SQLite ({@code state-dir/mailassure.db}) or PostgreSQL. Each
 * record is one transaction, committed (and with SQLite, synced) before the call returns. One
 * connection, opened again after any failure, so a store that comes back (a disk freed, a server
 * restarted) is used again without a restart. Thread-safe.
 */
public final class StateStore implements AutoCloseable {

  /** The database engine. */
  public enum Kind {
    SQLITE,
    POSTGRESQL
  }

  /** Opens a connection with auto-commit off. */
  @FunctionalInterface
  public interface Connector {
    Connection open() throws SQLException;
  }

  /** What {@link #claim} found. */
  public enum ClaimOutcome {
    /** This process holds the claim: it may make the attempt. */
    CLAIMED,
    /** The slot is settled: nothing more is sent for it. */
    SETTLED,
    /** Another live process holds the claim until {@link Claim#leaseUntil()}. */
    HELD
  }

  /**
   * A claim's state.
   *
   * @param holder who holds it (host, pid); null when settled by nobody in particular
   */
  public record Claim(ClaimOutcome outcome, String holder, Instant leaseUntil) {}

  /** A claim row as stored. */
  public record ClaimRow(String holder, Instant leaseUntil, boolean settled) {}

  /**
   * A settled slot this far past the clock is reported as in the future: hosts sharing a store may
   * disagree on the time by a little, never by this much.
   */
  public static final java.time.Duration FUTURE_TOLERANCE = java.time.Duration.ofMinutes(5);

  private static final int PRUNE_CHUNK = 10_000;
  private static final String COLUMNS =
      "a.domain, a.slot_at, a.slot_offset, a.sent_at, a.message_id, a.outcome, a.attempt,"
          + " a.transport, a.via, a.tls_protocol, a.tls_cipher, a.dkim, a.error";

  /** The queries start-up, every slot and status make; none may read the history. */
  static final String LAST_SETTLED_SQL =
      "SELECT slot_at FROM claims WHERE domain = ? AND slot_at <= ? AND settled = 1"
          + " ORDER BY slot_at DESC LIMIT 1";

  static final String FUTURE_SQL =
      "SELECT domain, slot_at FROM claims WHERE slot_at > ? AND settled = 1";

  static final String CLAIM_ROW_SQL =
      "SELECT holder, lease_until, settled FROM claims WHERE domain = ? AND slot_at = ?";

  static final String SUMMARY_SQL =
      "SELECT d.domain, d.last_settled_slot, d.last_success, d.last_attempt,"
          + " d.failures, d.missed, d.tls_protocol, d.tls_cipher, a.id, "
          + COLUMNS
          + " FROM domains d LEFT JOIN attempts a ON a.id = d.last_id";

  private final Kind kind;
  private final Connector connector;
  private final String description;
  private final String holder;
  private final boolean soleWriter;
  private Connection connection;

  /**
   * @param description names the store in messages ({@code /var/lib/mailassure/mailassure.db})
   * @param holder names this process in claims and records
   * @param soleWriter whether no other daemon can share the store (SQLite, with the state-dir
   *     lock): an unsettled claim is then a dead process's and is taken over at once
   */
  public StateStore(
      Kind kind, Connector connector, String description, String holder, boolean soleWriter) {
    this.kind = kind;
    this.connector = connector;
    this.description = description;
    this.holder = holder;
    this.soleWriter = soleWriter;
  }

  public Kind kind() {
    return kind;
  }

  public String description() {
    return description;
  }

  public String holder() {
    return holder;
  }

  /** Whether several daemons may share this store, so claims need leases. */
  public boolean shared() {
    return !soleWriter;
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException, StoreException;
  }

  <T> T transaction(String what, Work<T> work) throws StoreException {
    return run(what, !what.equals(READ), work);
  }

  static final String READ = "cannot be read";

  boolean soleWriter() {
    return soleWriter;
  }

  /**
   * Runs work in one transaction. SQLite's connection stays in auto-commit mode between
   * transactions, so it holds no lock while idle (a write transaction is an explicit {@code BEGIN
   * IMMEDIATE}, which takes the write lock up front rather than failing half-way); PostgreSQL's
   * driver begins a transaction with the first statement and this commits it.
   */
  private synchronized <T> T run(String what, boolean write, Work<T> work) throws StoreException {
    Connection c;
    try {
      c = connection();
    } catch (SQLException e) {
      drop();
      throw failure("cannot be opened", e);
    }
    boolean sqlite = kind == Kind.SQLITE;
    try {
      if (sqlite && write) {
        try (var s = c.createStatement()) {
          s.execute("BEGIN IMMEDIATE");
        }
      }
      T t = work.run(c);
      if (!sqlite) {
        c.commit();
      } else if (write) {
        try (var s = c.createStatement()) {
          s.execute("COMMIT");
        }
      }
      return t;
    } catch (SQLException e) {
      drop();
      throw failure(what, e);
    } catch (StoreException | RuntimeException e) {
      drop();
      throw e;
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = connector.open();
      connection.setAutoCommit(kind == Kind.SQLITE);
    }
    return connection;
  }

  /** Forgets the connection after a failure (rolling back what it had), so the next call opens. */
  private void drop() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // As above.
      }
      connection = null;
    }
  }

  private StoreException failure(String what, SQLException e) {
    if (e.getCause() instanceof StateDir.UnsafeException u) {
      return new StoreException(
          "the state store " + description + " " + what + ": " + u.problem(), u.fix());
    }
    String said = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    Throwable cause = e.getCause();
    String unreachable = kind == Kind.POSTGRESQL ? unreachable(e) : null;
    if (unreachable != null) {
      said = unreachable;
    } else if (cause != null && cause.getMessage() != null && !said.contains(cause.getMessage())) {
      // The driver's own words are often generic ("Error opening connection"); the cause names
      // the file or library that was missing.
      said = said + ": " + cause.getMessage().strip();
    }
    int nl = said.indexOf('\n');
    if (nl >= 0) {
      said = said.substring(0, nl);
    }
    said = org.mailassure.text.Words.cut(said, 300);
    return new StoreException(
        "the state store " + description + " " + what + ": " + Secrets.redact(said),
        kind == Kind.SQLITE ? sqliteFix(e.getErrorCode()) : null);
  }

  /**
   * The words for a PostgreSQL server that could not be reached at all (SQLSTATE class 08, with the
   * network's own exception as the cause), in place of the driver's ("Connection to HOST:PORT
   * refused. Check that the hostname and port are correct and that the postmaster is accepting
   * TCP/IP connections.: Connection refused"); null for any other failure.
   */
  private static String unreachable(SQLException e) {
    String state = e.getSQLState();
    if (state == null || !state.startsWith("08")) {
      return null;
    }
    Throwable cause = e.getCause();
    if (cause instanceof java.net.UnknownHostException) {
      return "no connection to the server: its host name does not resolve";
    }
    if (cause instanceof java.net.SocketTimeoutException) {
      return "no connection to the server: it did not answer in time";
    }
    if (cause instanceof java.net.ConnectException
        || cause instanceof java.net.NoRouteToHostException) {
      return "no connection to the server ("
          + (cause.getMessage() == null ? "refused" : cause.getMessage().strip())
          + ")";
    }
    return null;
  }

  /**
   * What to do about a SQLite error that says it whoever runs the command, from its primary result
   * code (SQLite's documented result codes, quoted below; the driver gives it as the vendor code,
   * an extended code carrying it in its low 8 bits); null for the others (permissions, a lock),
   * whose fix depends on the command and the user.
   */
  private String sqliteFix(int code) {
    java.nio.file.Path file = java.nio.file.Path.of(description);
    java.nio.file.Path dir = file.toAbsolutePath().getParent();
    return switch (code & 0xff) {
      // SQLITE_CORRUPT (11): "the database file has been corrupted"; SQLITE_NOTADB (26): "the
      // file being opened does not appear to be an SQLite database file".
      case 11, 26 ->
          "the file is damaged or is not a SQLite database: stop the service, move it aside (mv "
              + Shell.arg(file)
              + " "
              + Shell.arg(file + ".damaged")
              + ") and start again, which begins a new, empty history, or restore it"
              + " from a backup";
      // SQLITE_FULL (13): "a write could not complete because the disk is full".
      case 13 ->
          "the file system holding "
              + dir
              + " is full: free space there (df -h "
              + dir
              + "), then try again; nothing recorded so far is lost";
      default -> null;
    };
  }

  /**
   * Brings the schema to this version's, running each missing migration once; refuses a store that
   * a newer mailassure wrote. Two processes starting together migrate one after the other.
   */
  public void migrate() throws StoreException {
    transaction(
        "cannot be set up",
        c -> {
          try (var s = c.createStatement()) {
            if (kind == Kind.POSTGRESQL) {
              s.execute("SELECT pg_advisory_xact_lock(7210517)");
            }
            s.execute(Schema.VERSION_TABLE);
            int version = 0;
            boolean hasRow = false;
            try (ResultSet r = s.executeQuery("SELECT version FROM schema_version")) {
              if (r.next()) {
                version = r.getInt(1);
                hasRow = true;
              }
            }
            List<List<String>> migrations = Schema.migrations(kind);
            if (version > migrations.size()) {
              throw new StoreException(
                  "the state store "
                      + description
                      + " has schema version "
                      + version
                      + ", newer than this mailassure knows ("
                      + migrations.size()
                      + "); upgrade mailassure on this host");
            }
            for (int v = version; v < migrations.size(); v++) {
              for (String sql : migrations.get(v)) {
                s.execute(sql);
              }
            }
            s.execute(
                hasRow
                    ? "UPDATE schema_version SET version = " + migrations.size()
                    : "INSERT INTO schema_version (version) VALUES (" + migrations.size() + ")");
          }
          return null;
        });
  }

  /** The schema version the store has (0 for none yet). */
  public int schemaVersion() throws StoreException {
    return transaction(
        READ,
        c -> {
          try (var s = c.createStatement();
              ResultSet r = s.executeQuery("SELECT version FROM schema_version")) {
            return r.next() ? r.getInt(1) : 0;
          }
        });
  }

  /** Writes a small row, so a store that cannot be written is found before anything is sent. */
  public void touch(Instant now) throws StoreException {
    transaction(
        "cannot be written",
        c -> {
          putMeta(c, "last_write", holder + " " + now);
          return null;
        });
  }

  /** Records one attempt, and settles its slot's claim when it is the slot's last. */
  public void record(JournalEntry e) throws StoreException {
    transaction(
        "cannot be written",
        c -> {
          insert(c, e);
          if (settles(e)) {
            settleClaim(c, e.domain(), e.slot().toInstant(), e.sentAt());
          }
          return null;
        });
  }

  /**
   * Records a slot as missed, unless it is already settled or claimed by a live process: the claim
   * and the record are one transaction, so two hosts never both record the same miss.
   *
   * @return whether it was recorded
   */
  public boolean recordMissed(JournalEntry e, Instant now) throws StoreException {
    return transaction(
        "cannot be written",
        c -> {
          long slot = e.slot().toInstant().toEpochMilli();
          int n;
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO claims (domain, slot_at, holder, lease_until, settled)"
                      + " VALUES (?, ?, ?, ?, 1) ON CONFLICT (domain, slot_at) DO NOTHING")) {
            p.setString(1, e.domain());
            p.setLong(2, slot);
            p.setString(3, holder);
            p.setLong(4, now.toEpochMilli());
            n = p.executeUpdate();
          }
          if (n == 0) {
            try (PreparedStatement p =
                c.prepareStatement(
                    "UPDATE claims SET settled = 1, holder = ? WHERE domain = ? AND slot_at = ?"
                        + " AND settled = 0 AND (lease_until < ? OR ? = 1)")) {
              p.setString(1, holder);
              p.setString(2, e.domain());
              p.setLong(3, slot);
              p.setLong(4, now.toEpochMilli());
              p.setInt(5, soleWriter ? 1 : 0);
              n = p.executeUpdate();
            }
          }
          if (n == 0) {
            return false;
          }
          insert(c, e);
          return true;
        });
  }

  /**
   * Claims a scheduled (domain, slot) for this process before an attempt, or renews this process's
   * claim. A claim whose lease ran out (its holder died or stalled) is taken over; with a sole
   * writer, any unsettled claim is.
   */
  public Claim claim(String domain, Instant slot, Instant now, java.time.Duration lease)
      throws StoreException {
    long until = now.plus(lease).toEpochMilli();
    return transaction(
        "cannot be written",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO claims (domain, slot_at, holder, lease_until, settled)"
                      + " VALUES (?, ?, ?, ?, 0) ON CONFLICT (domain, slot_at) DO NOTHING")) {
            p.setString(1, domain);
            p.setLong(2, slot.toEpochMilli());
            p.setString(3, holder);
            p.setLong(4, until);
            if (p.executeUpdate() == 1) {
              return new Claim(ClaimOutcome.CLAIMED, holder, Instant.ofEpochMilli(until));
            }
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE claims SET holder = ?, lease_until = ? WHERE domain = ? AND slot_at = ?"
                      + " AND settled = 0 AND (holder = ? OR lease_until < ? OR ? = 1)")) {
            p.setString(1, holder);
            p.setLong(2, until);
            p.setString(3, domain);
            p.setLong(4, slot.toEpochMilli());
            p.setString(5, holder);
            p.setLong(6, now.toEpochMilli());
            p.setInt(7, soleWriter ? 1 : 0);
            if (p.executeUpdate() == 1) {
              return new Claim(ClaimOutcome.CLAIMED, holder, Instant.ofEpochMilli(until));
            }
          }
          ClaimRow row = claimRow(c, domain, slot).orElseThrow();
          return row.settled()
              ? new Claim(ClaimOutcome.SETTLED, row.holder(), row.leaseUntil())
              : new Claim(ClaimOutcome.HELD, row.holder(), row.leaseUntil());
        });
  }

  /** The claim on a (domain, slot), if any. */
  public Optional<ClaimRow> claimOf(String domain, Instant slot) throws StoreException {
    return transaction(READ, c -> claimRow(c, domain, slot));
  }

  /** The latest slot of the domain that is settled and not after {@code notAfter}. */
  public Optional<Instant> lastSettledSlot(String domain, Instant notAfter) throws StoreException {
    return transaction(
        READ,
        c -> {
          try (PreparedStatement p = c.prepareStatement(LAST_SETTLED_SQL)) {
            p.setString(1, domain);
            p.setLong(2, notAfter.toEpochMilli());
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? Optional.of(Instant.ofEpochMilli(r.getLong(1))) : Optional.empty();
            }
          }
        });
  }

  /**
   * Each domain's latest settled slot after {@code after}: slots a clock step left in the future.
   */
  public Map<String, Instant> futureSlots(Instant after) throws StoreException {
    return transaction(
        READ,
        c -> {
          Map<String, Instant> out = new HashMap<>();
          // Few rows, if any, lie in the future: they are found through the slot index and
          // reduced here (a GROUP BY would walk the whole primary key instead).
          try (PreparedStatement p = c.prepareStatement(FUTURE_SQL)) {
            p.setLong(1, after.toEpochMilli());
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                out.merge(
                    r.getString(1),
                    Instant.ofEpochMilli(r.getLong(2)),
                    (x, y) -> x.isAfter(y) ? x : y);
              }
            }
          }
          return out;
        });
  }

  /**
   * Every domain's summary, read from the summary table (one row a domain) and the last record of
   * each, never from the whole history.
   *
   * @param now a settled slot more than {@link #FUTURE_TOLERANCE} after this is reported as in the
   *     future
   */
  public JournalState summary(Instant now) throws StoreException {
    Map<String, Instant> future = futureSlots(now.plus(FUTURE_TOLERANCE));
    return transaction(
        READ,
        c -> {
          Map<String, JournalState.DomainState> out = new HashMap<>();
          try (var s = c.createStatement();
              ResultSet r = s.executeQuery(SUMMARY_SQL)) {
            while (r.next()) {
              String domain = r.getString(1);
              r.getLong(9);
              JournalEntry last = r.wasNull() ? null : entry(r, 10);
              out.put(
                  domain,
                  new JournalState.DomainState(
                      domain,
                      instant(r, 2),
                      last,
                      instant(r, 3),
                      instant(r, 4),
                      r.getLong(5),
                      r.getLong(6),
                      r.getString(7),
                      r.getString(8),
                      future.get(domain)));
            }
          }
          Instant limit = now.plus(FUTURE_TOLERANCE);
          for (var e : out.entrySet()) {
            JournalState.DomainState d = e.getValue();
            if (d.futureSlot() != null
                || after(d.lastSuccess(), limit)
                || after(d.lastAttempt(), limit)
                || (d.lastEntry() != null && after(d.lastEntry().sentAt(), limit))) {
              e.setValue(upTo(c, d, limit));
            }
          }
          return new JournalState(out);
        });
  }

  private static boolean after(Instant t, Instant limit) {
    return t != null && t.isAfter(limit);
  }

  /**
   * A domain's summary with what was recorded while the clock was ahead left out, so a record from
   * the future never stands for the last success (and the alert on its age still fires). Walks the
   * domain's records backwards from {@code limit} through the index; rare.
   */
  private JournalState.DomainState upTo(Connection c, JournalState.DomainState d, Instant limit)
      throws SQLException {
    JournalEntry last = latest(c, d.domain(), limit, "");
    JournalEntry success = latest(c, d.domain(), limit, " AND a.outcome = 'sent'");
    JournalEntry attempt = latest(c, d.domain(), limit, " AND a.outcome <> 'missed'");
    return new JournalState.DomainState(
        d.domain(),
        d.lastSettledSlot(),
        last,
        success == null ? null : success.sentAt(),
        attempt == null ? null : attempt.sentAt(),
        d.failures(),
        d.missed(),
        success == null ? null : success.tlsProtocol(),
        success == null ? null : success.tlsCipher(),
        d.futureSlot());
  }

  private static JournalEntry latest(Connection c, String domain, Instant limit, String filter)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM attempts a WHERE a.domain = ? AND a.sent_at <= ?"
                + filter
                + " ORDER BY a.sent_at DESC, a.id DESC LIMIT 1")) {
      p.setString(1, domain);
      p.setLong(2, limit.toEpochMilli());
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? entry(r, 1) : null;
      }
    }
  }

  /**
   * Streams the records, oldest first.
   *
   * @param domain null for every domain
   * @param since null for the whole history
   * @return how many were given
   */
  public long history(String domain, Instant since, Consumer<JournalEntry> sink)
      throws StoreException {
    return transaction(
        READ,
        c -> {
          String sql =
              "SELECT "
                  + COLUMNS
                  + " FROM attempts a WHERE "
                  + (domain == null ? "" : "a.domain = ? AND ")
                  + "a.sent_at >= ? ORDER BY a.sent_at, a.id";
          long n = 0;
          try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setFetchSize(1000);
            int i = 1;
            if (domain != null) {
              p.setString(i++, domain);
            }
            p.setLong(i, since == null ? Long.MIN_VALUE : since.toEpochMilli());
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                sink.accept(entry(r, 1));
                n++;
              }
            }
          }
          return n;
        });
  }

  /**
   * Deletes records and settled claims older than {@code before}, a chunk a transaction so the
   * store is never locked for long. The summaries (and their counters) stay.
   *
   * @return the records deleted
   */
  public long prune(Instant before, Instant now) throws StoreException {
    long cutoff = before.toEpochMilli();
    long total =
        deleteInChunks(
            "DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE sent_at < ?"
                + " ORDER BY sent_at LIMIT "
                + PRUNE_CHUNK
                + ")",
            cutoff);
    deleteInChunks(
        "DELETE FROM claims WHERE (domain, slot_at) IN (SELECT domain, slot_at"
            + " FROM claims WHERE slot_at < ? AND settled = 1 LIMIT "
            + PRUNE_CHUNK
            + ")",
        cutoff);
    transaction(
        "cannot be written",
        c -> {
          putMeta(c, "pruned_at", now.toString());
          return null;
        });
    return total;
  }

  /** Runs a chunked delete (at most {@link #PRUNE_CHUNK} rows) until a chunk comes up short. */
  private long deleteInChunks(String sql, long cutoff) throws StoreException {
    long total = 0;
    while (true) {
      int n =
          transaction(
              "cannot be pruned",
              c -> {
                try (PreparedStatement p = c.prepareStatement(sql)) {
                  p.setLong(1, cutoff);
                  return p.executeUpdate();
                }
              });
      total += n;
      if (n < PRUNE_CHUNK) {
        return total;
      }
    }
  }

  /** A value from the store's own notes (what was imported, when it was pruned). */
  public Optional<String> meta(String key) throws StoreException {
    return transaction(
        READ,
        c -> {
          try (PreparedStatement p = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
          }
        });
  }

  /**
   * Records many entries in one transaction with a note, all or nothing: an import that stops
   * half-way leaves nothing, and the note says it was done, so it is never done twice.
   */
  public void recordAll(Iterable<JournalEntry> entries, String noteKey, String noteValue)
      throws StoreException {
    transaction(
        "cannot be written",
        c -> {
          for (JournalEntry e : entries) {
            insert(c, e);
            if (settles(e)) {
              settleClaim(c, e.domain(), e.slot().toInstant(), e.sentAt());
            }
          }
          putMeta(c, noteKey, noteValue);
          return null;
        });
  }

  private static boolean settles(JournalEntry e) {
    return "schedule".equals(e.trigger()) && e.outcome().terminal();
  }

  private void insert(Connection c, JournalEntry e) throws SQLException {
    long id;
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO attempts (domain, slot_at, slot_offset, sent_at, message_id, outcome,"
                + " attempt, transport, via, tls_protocol, tls_cipher, dkim, error, host)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
      p.setString(1, e.domain());
      p.setLong(2, e.slot().toInstant().toEpochMilli());
      p.setInt(3, e.slot().getOffset().getTotalSeconds());
      p.setLong(4, e.sentAt().toEpochMilli());
      p.setString(5, e.messageId());
      p.setString(6, e.outcome().journalName());
      p.setInt(7, e.attempt());
      p.setString(8, e.transport());
      p.setString(9, e.trigger());
      p.setString(10, e.tlsProtocol());
      p.setString(11, e.tlsCipher());
      p.setString(12, e.dkim());
      p.setString(13, Secrets.redact(e.error()));
      p.setString(14, holder);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        id = r.getLong(1);
      }
    }
    boolean sent = e.outcome() == Outcome.SENT;
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO domains (domain, last_settled_slot, last_success, last_attempt, failures,"
                + " missed, tls_protocol, tls_cipher, last_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (domain) DO UPDATE SET"
                + " last_settled_slot = CASE WHEN excluded.last_settled_slot IS NOT NULL AND"
                + " (domains.last_settled_slot IS NULL OR excluded.last_settled_slot >"
                + " domains.last_settled_slot) THEN excluded.last_settled_slot ELSE"
                + " domains.last_settled_slot END,"
                + " last_success = CASE WHEN excluded.last_success IS NOT NULL AND"
                + " (domains.last_success IS NULL OR excluded.last_success > domains.last_success)"
                + " THEN excluded.last_success ELSE domains.last_success END,"
                + " last_attempt = CASE WHEN excluded.last_attempt IS NOT NULL AND"
                + " (domains.last_attempt IS NULL OR excluded.last_attempt > domains.last_attempt)"
                + " THEN excluded.last_attempt ELSE domains.last_attempt END,"
                + " failures = domains.failures + excluded.failures,"
                + " missed = domains.missed + excluded.missed,"
                + " tls_protocol = CASE WHEN excluded.last_success IS NOT NULL THEN"
                + " excluded.tls_protocol ELSE domains.tls_protocol END,"
                + " tls_cipher = CASE WHEN excluded.last_success IS NOT NULL THEN"
                + " excluded.tls_cipher ELSE domains.tls_cipher END,"
                + " last_id = excluded.last_id")) {
      p.setString(1, e.domain());
      setLong(p, 2, settles(e) ? e.slot().toInstant().toEpochMilli() : null);
      setLong(p, 3, sent ? e.sentAt().toEpochMilli() : null);
      setLong(p, 4, e.outcome() != Outcome.MISSED ? e.sentAt().toEpochMilli() : null);
      p.setLong(5, e.outcome() == Outcome.FAILED ? 1 : 0);
      p.setLong(6, e.outcome() == Outcome.MISSED ? 1 : 0);
      p.setString(7, sent ? e.tlsProtocol() : null);
      p.setString(8, sent ? e.tlsCipher() : null);
      p.setLong(9, id);
      p.executeUpdate();
    }
  }

  private void settleClaim(Connection c, String domain, Instant slot, Instant at)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO claims (domain, slot_at, holder, lease_until, settled)"
                + " VALUES (?, ?, ?, ?, 1) ON CONFLICT (domain, slot_at) DO UPDATE SET settled = 1")) {
      p.setString(1, domain);
      p.setLong(2, slot.toEpochMilli());
      p.setString(3, holder);
      p.setLong(4, at.toEpochMilli());
      p.executeUpdate();
    }
  }

  private static Optional<ClaimRow> claimRow(Connection c, String domain, Instant slot)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(CLAIM_ROW_SQL)) {
      p.setString(1, domain);
      p.setLong(2, slot.toEpochMilli());
      try (ResultSet r = p.executeQuery()) {
        return r.next()
            ? Optional.of(
                new ClaimRow(r.getString(1), Instant.ofEpochMilli(r.getLong(2)), r.getInt(3) == 1))
            : Optional.empty();
      }
    }
  }

  private void putMeta(Connection c, String key, String value) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
                + " ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
      p.setString(1, key);
      p.setString(2, value);
      p.executeUpdate();
    }
  }

  private static void setLong(PreparedStatement p, int i, Long v) throws SQLException {
    if (v == null) {
      p.setNull(i, Types.BIGINT);
    } else {
      p.setLong(i, v);
    }
  }

  private static Instant instant(ResultSet r, int i) throws SQLException {
    long v = r.getLong(i);
    return r.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  /** A record from the 13 columns of {@link #COLUMNS} starting at {@code i}. */
  private static JournalEntry entry(ResultSet r, int i) throws SQLException {
    Instant slot = Instant.ofEpochMilli(r.getLong(i + 1));
    ZoneOffset offset = ZoneOffset.ofTotalSeconds(r.getInt(i + 2));
    return new JournalEntry(
        OffsetDateTime.ofInstant(slot, offset),
        r.getString(i),
        Instant.ofEpochMilli(r.getLong(i + 3)),
        r.getString(i + 4),
        Outcome.fromJournal(r.getString(i + 5)),
        r.getInt(i + 6),
        r.getString(i + 7),
        r.getString(i + 8),
        r.getString(i + 9),
        r.getString(i + 10),
        r.getString(i + 11),
        r.getString(i + 12));
  }

  /**
   * Closes the connection until the next call needs one: the daemon does this before it sleeps
   * until the next slot, so SQLite's page cache (or a PostgreSQL session) is not held all day.
   */
  public void release() {
    close();
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Closing: nothing uncommitted is kept, by design.
      }
      connection = null;
    }
  }
}
