package org.mailassure.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The reply agent's records in the state store: each assessment message of a mailbox is claimed
 * before its reply is sent and settled after, in the {@code replies} table whose primary key
 * (mailbox, message key) is what makes a message answered once, even by daemons on several hosts;
 * and one summary row a mailbox ({@code mailboxes}) that status, check and the metrics read. Every
 * method is one transaction. Thread-safe (the store serialises its transactions).
 */
public final class ReplyStore {

  /** What a claim found. */
  public enum Claim {
    /** This process holds the message: it may reply. */
    CLAIMED,
    /** The message has been settled (answered, failed for good, or over the cap): leave it. */
    SETTLED,
    /** Another live process is answering it. */
    HELD
  }

  /** How a reply ended. */
  public enum Outcome {
    /** Claimed, reply under way (or its process died before it could say). */
    SENDING,
    /** Graph accepted the reply. */
    REPLIED,
    /** Graph refused it for good (the message is gone, the request was rejected). */
    FAILED,
    /** Not answered: the mailbox had had {@code rule.max-replies-per-day} replies already. */
    CAPPED;

    public String storeName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Outcome of(String s) {
      return s == null ? null : valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * A mailbox's summary row.
   *
   * @param lookedAt the last look that finished, well or not
   * @param lookError why the last look failed; null when it worked
   * @param lookedOkAt the last look that worked
   * @param repliedOkAt the last reply Graph accepted
   * @param watermark the next look lists messages received from a little before this
   */
  public record MailboxState(
      String mailbox,
      String domain,
      Instant lookedAt,
      String lookError,
      Instant lookedOkAt,
      Instant watermark,
      Instant lastReplyAt,
      Instant repliedOkAt,
      Outcome lastReplyOutcome,
      String lastReplyError,
      long replies,
      long failures) {}

  static final String COUNT_SQL =
      "SELECT COUNT(*) FROM replies WHERE mailbox = ? AND claimed_at >= ?"
          + " AND outcome IN ('sending', 'replied')";

  private static final String WRITE = "cannot be written";

  private final StateStore store;

  public ReplyStore(StateStore store) {
    this.store = store;
  }

  private static String key(String mailbox) {
    return mailbox.toLowerCase(Locale.ROOT);
  }

  /**
   * Claims a message for this process before its reply is sent, or takes over a claim whose holder
   * stopped renewing it (at once with a sole writer: a claim left behind is a dead run's).
   */
  public Claim claim(
      String mailbox,
      String messageKey,
      String domain,
      String graphId,
      Instant received,
      Instant now,
      Duration lease)
      throws StoreException {
    long until = now.plus(lease).toEpochMilli();
    String holder = store.holder();
    return store.transaction(
        WRITE,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO replies (mailbox, message_key, domain, graph_id, received_at,"
                      + " claimed_at, holder, lease_until, outcome)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sending')"
                      + " ON CONFLICT (mailbox, message_key) DO NOTHING")) {
            p.setString(1, key(mailbox));
            p.setString(2, messageKey);
            p.setString(3, domain);
            p.setString(4, graphId);
            p.setLong(5, received == null ? now.toEpochMilli() : received.toEpochMilli());
            p.setLong(6, now.toEpochMilli());
            p.setString(7, holder);
            p.setLong(8, until);
            if (p.executeUpdate() == 1) {
              return Claim.CLAIMED;
            }
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE replies SET holder = ?, lease_until = ?, claimed_at = ?, graph_id = ?"
                      + " WHERE mailbox = ? AND message_key = ? AND outcome = 'sending'"
                      + " AND (holder = ? OR lease_until < ? OR ? = 1)")) {
            p.setString(1, holder);
            p.setLong(2, until);
            p.setLong(3, now.toEpochMilli());
            p.setString(4, graphId);
            p.setString(5, key(mailbox));
            p.setString(6, messageKey);
            p.setString(7, holder);
            p.setLong(8, now.toEpochMilli());
            p.setInt(9, store.soleWriter() ? 1 : 0);
            if (p.executeUpdate() == 1) {
              return Claim.CLAIMED;
            }
          }
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT outcome FROM replies WHERE mailbox = ? AND message_key = ?")) {
            p.setString(1, key(mailbox));
            p.setString(2, messageKey);
            try (ResultSet r = p.executeQuery()) {
              r.next();
              return Outcome.of(r.getString(1)) == Outcome.SENDING ? Claim.HELD : Claim.SETTLED;
            }
          }
        });
  }

  /** Settles this process's claim with how the reply ended, and updates the mailbox's summary. */
  public void settle(
      String mailbox, String messageKey, String domain, Outcome outcome, Instant at, String error)
      throws StoreException {
    store.transaction(
        WRITE,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE replies SET outcome = ?, replied_at = ?, error = ?"
                      + " WHERE mailbox = ? AND message_key = ?")) {
            p.setString(1, outcome.storeName());
            p.setLong(2, at.toEpochMilli());
            p.setString(3, error);
            p.setString(4, key(mailbox));
            p.setString(5, messageKey);
            p.executeUpdate();
          }
          ensureMailbox(c, mailbox, domain);
          if (outcome != Outcome.CAPPED) {
            lastReply(c, mailbox, outcome, at, error);
          }
          return null;
        });
  }

  /**
   * Gives up this process's claim on a message to which nothing was sent (the reply could not be
   * made for a reason that may pass: throttling, a lost connection, a missing permission), so a
   * later look answers it; counts the failure in the mailbox's summary.
   */
  public void release(String mailbox, String messageKey, String domain, Instant at, String error)
      throws StoreException {
    store.transaction(
        WRITE,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "DELETE FROM replies WHERE mailbox = ? AND message_key = ? AND holder = ?"
                      + " AND outcome = 'sending'")) {
            p.setString(1, key(mailbox));
            p.setString(2, messageKey);
            p.setString(3, store.holder());
            p.executeUpdate();
          }
          ensureMailbox(c, mailbox, domain);
          lastReply(c, mailbox, Outcome.FAILED, at, error);
          return null;
        });
  }

  /**
   * Replies sent (or under way) from the mailbox since {@code since}: what the daily cap counts.
   */
  public int repliesSince(String mailbox, Instant since) throws StoreException {
    return store.transaction(
        StateStore.READ,
        c -> {
          try (PreparedStatement p = c.prepareStatement(COUNT_SQL)) {
            p.setString(1, key(mailbox));
            p.setLong(2, since.toEpochMilli());
            try (ResultSet r = p.executeQuery()) {
              r.next();
              return r.getInt(1);
            }
          }
        });
  }

  /** Notes a finished look: when, why it failed (null when it worked), where the next starts. */
  public void recordLook(String mailbox, String domain, Instant at, String error, Instant watermark)
      throws StoreException {
    store.transaction(
        WRITE,
        c -> {
          ensureMailbox(c, mailbox, domain);
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE mailboxes SET domain = ?, looked_at = ?, look_error = ?,"
                      + " looked_ok_at = CASE WHEN ? IS NULL THEN ? ELSE looked_ok_at END,"
                      + " watermark = COALESCE(?, watermark) WHERE mailbox = ?")) {
            p.setString(1, domain);
            p.setLong(2, at.toEpochMilli());
            p.setString(3, error);
            p.setString(4, error);
            p.setLong(5, at.toEpochMilli());
            if (watermark == null) {
              p.setNull(6, java.sql.Types.BIGINT);
            } else {
              p.setLong(6, watermark.toEpochMilli());
            }
            p.setString(7, key(mailbox));
            p.executeUpdate();
          }
          return null;
        });
  }

  /** One mailbox's summary, if it was ever looked at or answered. */
  public Optional<MailboxState> mailbox(String mailbox) throws StoreException {
    return Optional.ofNullable(read(key(mailbox)).get(key(mailbox)));
  }

  /** Every mailbox's summary, by mailbox (lower case). */
  public Map<String, MailboxState> mailboxes() throws StoreException {
    return read(null);
  }

  private Map<String, MailboxState> read(String only) throws StoreException {
    return store.transaction(
        StateStore.READ,
        c -> {
          Map<String, MailboxState> out = new TreeMap<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT mailbox, domain, looked_at, look_error, looked_ok_at, watermark,"
                      + " last_reply_at, replied_ok_at, last_reply_outcome, last_reply_error,"
                      + " replies, reply_failures"
                      + " FROM mailboxes"
                      + (only == null ? "" : " WHERE mailbox = ?"))) {
            if (only != null) {
              p.setString(1, only);
            }
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                out.put(
                    r.getString(1),
                    new MailboxState(
                        r.getString(1),
                        r.getString(2),
                        instant(r, 3),
                        r.getString(4),
                        instant(r, 5),
                        instant(r, 6),
                        instant(r, 7),
                        instant(r, 8),
                        Outcome.of(r.getString(9)),
                        r.getString(10),
                        r.getLong(11),
                        r.getLong(12)));
              }
            }
          }
          return out;
        });
  }

  /**
   * The reply rows of a mailbox, oldest claim first: for tests and for people reading the store.
   */
  public java.util.List<String> outcomes(String mailbox) throws StoreException {
    return store.transaction(
        StateStore.READ,
        c -> {
          java.util.List<String> out = new java.util.ArrayList<>();
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT message_key, outcome FROM replies WHERE mailbox = ?"
                      + " ORDER BY claimed_at, message_key")) {
            p.setString(1, key(mailbox));
            try (ResultSet r = p.executeQuery()) {
              while (r.next()) {
                out.add(r.getString(1) + " " + r.getString(2));
              }
            }
          }
          return out;
        });
  }

  /** Deletes settled reply rows claimed before {@code before}. */
  public long prune(Instant before) throws StoreException {
    return store.transaction(
        WRITE,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "DELETE FROM replies WHERE claimed_at < ? AND outcome <> 'sending'")) {
            p.setLong(1, before.toEpochMilli());
            return (long) p.executeUpdate();
          }
        });
  }

  /** The mailbox summary's last reply and counters, after a reply that ended so. */
  private static void lastReply(
      Connection c, String mailbox, Outcome outcome, Instant at, String error) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "UPDATE mailboxes SET last_reply_at = ?, last_reply_outcome = ?,"
                + " last_reply_error = ?, replies = replies + ?,"
                + " reply_failures = reply_failures + ?,"
                + " replied_ok_at = CASE WHEN ? = 1 THEN ? ELSE replied_ok_at END"
                + " WHERE mailbox = ?")) {
      boolean replied = outcome == Outcome.REPLIED;
      p.setLong(1, at.toEpochMilli());
      p.setString(2, outcome.storeName());
      p.setString(3, error);
      p.setInt(4, replied ? 1 : 0);
      p.setInt(5, outcome == Outcome.FAILED ? 1 : 0);
      p.setInt(6, replied ? 1 : 0);
      p.setLong(7, at.toEpochMilli());
      p.setString(8, key(mailbox));
      p.executeUpdate();
    }
  }

  private static void ensureMailbox(Connection c, String mailbox, String domain)
      throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO mailboxes (mailbox, domain, replies, reply_failures) VALUES (?, ?, 0, 0)"
                + " ON CONFLICT (mailbox) DO NOTHING")) {
      p.setString(1, key(mailbox));
      p.setString(2, domain);
      p.executeUpdate();
    }
  }

  private static Instant instant(ResultSet r, int i) throws SQLException {
    long v = r.getLong(i);
    return r.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
