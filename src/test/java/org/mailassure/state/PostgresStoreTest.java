package org.mailassure.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.StateSettings;
import org.mailassure.testing.LoopbackPostgres;

/** The store contract on a real PostgreSQL server on loopback, logging in with a password file. */
class PostgresStoreTest extends StoreContract {
  @TempDir Path dir;
  private LoopbackPostgres server;
  private LoopbackPostgres.Database db;
  private StateSettings settings;

  @BeforeEach
  void database() throws Exception {
    server = LoopbackPostgres.shared();
    db = server.newDatabase("s3cret-for-tests");
    Path password = dir.resolve("db-password");
    Files.writeString(password, "s3cret-for-tests\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    settings =
        new StateSettings(
            "jdbc:postgresql://127.0.0.1:" + server.port() + "/" + db.name(),
            db.url(),
            db.role(),
            password,
            Duration.ofDays(400));
  }

  @Override
  StateStore newStore(String holder, boolean soleWriter) {
    return new StateStore(
        StateStore.Kind.POSTGRESQL, () -> Stores.postgres(settings), db.url(), holder, soleWriter);
  }

  @Override
  void execute(String sql) throws Exception {
    try (Connection c = server.superuser(db.name());
        var s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @org.junit.jupiter.api.Test
  void aServerThatCannotBeReachedIsSaidInPlainWordsNotTheDriversOwn() throws Exception {
    int closed;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    StateSettings nowhere =
        new StateSettings(
            "jdbc:postgresql://127.0.0.1:" + closed + "/mailassure",
            "postgresql://127.0.0.1:" + closed + "/mailassure",
            db.role(),
            settings.passwordFile(),
            Duration.ofDays(400));
    StateStore store =
        new StateStore(
            StateStore.Kind.POSTGRESQL,
            () -> Stores.postgres(nowhere),
            "postgresql://127.0.0.1:" + closed + "/mailassure",
            "test",
            false);
    org.assertj.core.api.Assertions.assertThatThrownBy(store::migrate)
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "the state store postgresql://127.0.0.1:"
                + closed
                + "/mailassure cannot be opened: no connection to the server (Connection refused)");
  }
}
