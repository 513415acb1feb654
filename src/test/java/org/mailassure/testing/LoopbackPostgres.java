package org.mailassure.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on 127.0.0.1, started once per test JVM from Debian's server binaries
 * ({@code /usr/lib/postgresql/VERSION/bin}, the {@code postgresql} package, which {@code .ci/run}
 * installs): a throwaway cluster in a temporary directory, password authentication over TCP, a port
 * chosen free, stopped when the JVM exits. Run as root, the server runs as the {@code postgres}
 * user, as PostgreSQL refuses root. Each test gets its own database and role.
 */
public final class LoopbackPostgres {
  private static LoopbackPostgres shared;

  private final Path dir;
  private final Path bin;
  private final boolean root;
  private final int port;
  private final String superPassword;

  private LoopbackPostgres(Path dir, Path bin, boolean root, int port, String superPassword) {
    this.dir = dir;
    this.bin = bin;
    this.root = root;
    this.port = port;
    this.superPassword = superPassword;
  }

  /** The server every test in this JVM shares, started on first use. */
  public static synchronized LoopbackPostgres shared() throws Exception {
    if (shared == null) {
      shared = start();
      LoopbackPostgres s = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
    }
    return shared;
  }

  private static LoopbackPostgres start() throws Exception {
    Path bin = binaries();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("mailassure-pg-");
    String password = UUID.randomUUID().toString();
    Path pwfile = dir.resolve("pw");
    Files.writeString(pwfile, password + "\n");
    if (root) {
      exec(List.of("chown", "-R", "postgres:postgres", dir.toString()), false, dir);
    }
    exec(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--pwfile=" + pwfile,
            "-E",
            "UTF8",
            "--locale=C"),
        root,
        dir);
    IOException last = null;
    for (int tries = 0; tries < 5; tries++) {
      int port = freePort();
      try {
        exec(
            List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dir.resolve("data").toString(),
                "-w",
                "-t",
                "60",
                "-l",
                dir.resolve("log").toString(),
                "-o",
                "-c listen_addresses=127.0.0.1 -p "
                    + port
                    + " -k "
                    + dir
                    + " -c fsync=off -c max_connections=60",
                "start"),
            root,
            dir);
        return new LoopbackPostgres(dir, bin, root, port, password);
      } catch (IOException e) {
        last = e; // the port was taken between choosing and binding: choose again
      }
    }
    throw last;
  }

  private static Path binaries() throws IOException {
    Path base = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (Stream<Path> versions = Files.list(base)) {
        var found =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")))
                .max(Comparator.comparing(b -> b.getParent().getFileName().toString()));
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    throw new AssertionError(
        "the PostgreSQL tests need a PostgreSQL server's binaries in /usr/lib/postgresql/*/bin:"
            + " apt-get install postgresql (.ci/run does)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void exec(List<String> command, boolean asPostgres, Path dir)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    Process p =
        new ProcessBuilder(full)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("commands.log").toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish in 120 s");
    }
    if (p.exitValue() != 0) {
      String log = Files.readString(dir.resolve("commands.log"), StandardCharsets.UTF_8);
      throw new IOException(String.join(" ", command) + " failed:\n" + log);
    }
  }

  private void stop() {
    try {
      exec(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              dir.resolve("data").toString(),
              "-m",
              "immediate",
              "stop"),
          root,
          dir);
    } catch (Exception ignored) {
      // The JVM is exiting; the directory is temporary either way.
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // As above.
    }
  }

  public int port() {
    return port;
  }

  /** A database of its own, owned by a role of its own that logs in with {@code password}. */
  public Database newDatabase(String password) throws SQLException {
    String name = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = superuser("postgres");
        var s = c.createStatement()) {
      s.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'");
      s.execute("CREATE DATABASE " + name + " OWNER " + name);
    }
    return new Database(name, name, "postgresql://127.0.0.1:" + port + "/" + name);
  }

  /** A superuser connection to a database (to look under the product's feet). */
  public Connection superuser(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", superPassword);
    return new org.postgresql.Driver()
        .connect("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
  }

  /**
   * A test's database.
   *
   * @param url as {@code state.url} takes it
   */
  public record Database(String name, String role, String url) {}
}
