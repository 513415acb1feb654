package org.mailassure.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.mailassure.config.Config;
import org.mailassure.config.StateSettings;
import org.mailassure.secrets.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Opens the state store a config names: SQLite in {@code state-dir/mailassure.db} (WAL, synced at
 * every commit), or PostgreSQL at {@code state.url}. Opening brings the schema up to date and
 * imports an old {@code journal.jsonl} once. Drivers are made directly, never through {@code
 * DriverManager}'s scan of every jar.
 */
public final class Stores {
  private static final Logger LOG = LoggerFactory.getLogger(Stores.class);
  public static final String SQLITE_FILE = "mailassure.db";

  /**
   * SQLite's SQLITE_OPEN_NOFOLLOW: "the database filename is not allowed to be a symbolic link".
   */
  private static final int SQLITE_OPEN_NOFOLLOW = 0x01000000;

  private Stores() {}

  /**
   * Opens the config's store, ready to read and write.
   *
   * @param soleWriter SQLite only: whether this process holds the state-dir lock (the daemon), so
   *     an unsettled claim found in the store is a dead process's
   */
  public static StateStore open(Config config, Instant now, boolean soleWriter)
      throws StoreException {
    StateStore store = create(config, soleWriter);
    try {
      store.migrate();
      importOldJournal(store, config.stateDir(), now);
      return store;
    } catch (StoreException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * What the store says of each domain, for a command that only reads: an empty answer, with
   * nothing created, when SQLite has no store yet.
   */
  public static org.mailassure.journal.JournalState summary(Config config, Instant now)
      throws StoreException {
    if (!exists(config)) {
      return org.mailassure.journal.JournalState.empty();
    }
    try (StateStore store = open(config, now, false)) {
      return store.summary(now);
    }
  }

  /**
   * Every reply-mode mailbox's summary row, by mailbox (lower case), for a command that only reads:
   * none, with nothing created, when SQLite has no store yet.
   */
  public static java.util.Map<String, ReplyStore.MailboxState> mailboxes(Config config, Instant now)
      throws StoreException {
    if (!exists(config)) {
      return java.util.Map.of();
    }
    try (StateStore store = open(config, now, false)) {
      return new ReplyStore(store).mailboxes();
    }
  }

  /** Whether the config's store has anything to read: SQLite has no file until a first record. */
  public static boolean exists(Config config) {
    return config.state().shared()
        || Files.exists(config.stateDir().resolve(SQLITE_FILE))
        || Files.exists(config.stateDir().resolve(JournalImport.FILE_NAME));
  }

  /** The store, not yet opened nor migrated. */
  public static StateStore create(Config config, boolean soleWriter) {
    StateSettings s = config.state();
    String holder = holder();
    if (s.shared()) {
      return new StateStore(StateStore.Kind.POSTGRESQL, () -> postgres(s), s.url(), holder, false);
    }
    Path file = config.stateDir().resolve(SQLITE_FILE);
    return sqlite(file, holder, soleWriter);
  }

  /** A SQLite store in {@code file}. */
  public static StateStore sqlite(Path file, String holder, boolean soleWriter) {
    return new StateStore(
        StateStore.Kind.SQLITE, () -> sqliteConnection(file), file.toString(), holder, soleWriter);
  }

  static Connection sqliteConnection(Path file) throws SQLException {
    Path dir = file.toAbsolutePath().getParent();
    try {
      StateDir.prepare(dir);
      // SQLite opens its -wal and -shm files itself, without its NOFOLLOW flag's look.
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        StateDir.refuseLink(dir.resolve(file.getFileName() + suffix));
      }
    } catch (StateDir.UnsafeException e) {
      throw new SQLException(e.getMessage(), e);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new SQLException(
          "cannot create the directory "
              + dir
              + ": "
              + e.getFile()
              + " is a file, not a directory");
    } catch (IOException e) {
      throw new SQLException(
          "cannot create the directory " + dir + ": " + org.mailassure.text.Words.whyUnreadable(e));
    }
    boolean fresh = !Files.exists(file);
    Connection conn = openNoFollow(file);
    if (fresh) {
      giveToDirectoryOwner(file, dir);
    }
    return conn;
  }

  /** A connection to the SQLite file, which SQLite itself refuses to open through a link. */
  static Connection openNoFollow(Path file) throws SQLException {
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    c.setBusyTimeout(10_000);
    // A page cache of 256 KiB instead of SQLite's 2 MiB: the daemon's reads are index lookups
    // that touch a few pages each, and the daemon has 64 MiB in all.
    c.setCacheSize(-256);
    // The driver's connection class directly: org.sqlite.JDBC would register itself with
    // DriverManager, which then scans the class path for every other driver.
    String path = file.toAbsolutePath().toString();
    Properties p = c.toProperties();
    // SQLITE_OPEN_NOFOLLOW (SQLite 3.31): the database file may not be a link, even one put there
    // after the look above; the driver knows no name for the flag.
    p.setProperty(
        SQLiteConfig.Pragma.OPEN_MODE.pragmaName,
        Integer.toString(c.getOpenModeFlags() | SQLITE_OPEN_NOFOLLOW));
    return new org.sqlite.jdbc4.JDBC4Connection("jdbc:sqlite:" + path, path, p);
  }

  /**
   * A store created by root in a directory that belongs to the service keeps the service able to
   * write it: the file is given to the directory's owner (SQLite does the same for its -wal and
   * -shm files when root opens them).
   */
  private static void giveToDirectoryOwner(Path file, Path dir) {
    try {
      if (!"root".equals(System.getProperty("user.name")) || !Files.exists(file)) {
        return;
      }
      UserPrincipal owner = Files.getOwner(dir);
      if (!owner.getName().equals("root")) {
        var view =
            Files.getFileAttributeView(
                file,
                java.nio.file.attribute.PosixFileAttributeView.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        view.setOwner(owner);
        view.setGroup(
            Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class).group());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: could not give it to the owner of {}: {}", file, dir, e.getMessage());
    }
  }

  /** A connection to the PostgreSQL store {@code s} names, with its credentials. */
  public static Connection postgres(StateSettings s) throws SQLException {
    Properties p = new Properties();
    if (s.username() != null) {
      p.setProperty("user", s.username());
    }
    if (s.passwordFile() != null) {
      String password;
      try {
        password = Secrets.readFile(s.passwordFile());
      } catch (IOException e) {
        throw new SQLException(
            "cannot read state.password-file "
                + s.passwordFile()
                + " ("
                + org.mailassure.text.Words.whyUnreadable(e)
                + ")");
      }
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", "10");
    p.setProperty("socketTimeout", "60");
    p.setProperty("loginTimeout", "15");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "mailassure");
    Connection c = new org.postgresql.Driver().connect(s.jdbcUrl(), p);
    if (c == null) {
      throw new SQLException("the PostgreSQL driver does not take the URL " + s.url());
    }
    return c;
  }

  private static void importOldJournal(StateStore store, Path stateDir, Instant now)
      throws StoreException {
    try {
      JournalImport.Report r = JournalImport.importFrom(store, stateDir, host(), now);
      if (r == null) {
        return;
      }
      String how =
          org.mailassure.text.Words.count(r.imported(), "record")
              + " imported from "
              + r.from()
              + " into "
              + store.description()
              + (r.unreadable() > 0
                  ? "; "
                      + org.mailassure.text.Words.count(r.unreadable(), "unreadable line")
                      + " skipped (torn or not JSON)"
                  : "")
              + (r.repaired() > 0
                  ? "; "
                      + org.mailassure.text.Words.count(r.repaired(), "line")
                      + " with bytes that are not UTF-8 read with them replaced"
                  : "")
              + "; the file is kept as "
              + r.keptAs();
      if (r.unreadable() > 0 || r.repaired() > 0) {
        LOG.warn(how);
      } else {
        LOG.info(how);
      }
    } catch (StateDir.UnsafeException e) {
      throw new StoreException("cannot import: " + e.problem(), e.fix());
    } catch (IOException e) {
      throw new StoreException(
          "cannot import "
              + stateDir.resolve(JournalImport.FILE_NAME)
              + ": "
              + e.getMessage()
              + "; fix its permissions or move it away");
    }
  }

  /** This host's name, from the kernel, without a DNS lookup. */
  static String host() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII)
          .strip();
    } catch (IOException | RuntimeException e) {
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "localhost" : env;
    }
  }

  /** Names this process in claims: host, pid and a random tag (pids are reused). */
  static String holder() {
    return host()
        + "/"
        + ProcessHandle.current().pid()
        + "/"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
  }
}
