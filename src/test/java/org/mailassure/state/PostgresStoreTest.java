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
}
