package org.mailassure.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.Config;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.state.StateStore;
import org.mailassure.state.Stores;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackPostgres;
import org.mailassure.testing.LoopbackRelay;
import org.mailassure.testing.MutableClock;

/**
 * Two daemons on two "hosts" (each its own state-dir and database connection) share one real
 * PostgreSQL store and one loopback relay over a day of hourly slots; one dies at a random moment
 * (before an attempt, or while idle) and comes back later as a new process. The database is the
 * only thing they share. Every (domain, slot) must reach the relay exactly once and none be missed.
 * Time is simulated in lockstep: the clock moves to the earliest wake-up only when every live
 * daemon is waiting.
 */
class TwoDaemonsTest {
  @TempDir Path dir;
  private LoopbackRelay relay;
  private LoopbackPostgres.Database db;

  @BeforeEach
  void start() throws Exception {
    Fixtures.writeMaterial(dir);
    relay = LoopbackRelay.starttls();
    db = LoopbackPostgres.shared().newDatabase("pw-two-daemons");
    Path pw = dir.resolve("db-password");
    Files.writeString(pw, "pw-two-daemons\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private Config config(String host) throws Exception {
    Path home = Files.createDirectories(dir.resolve(host));
    Files.copy(dir.resolve("ca.pem"), home.resolve("ca.pem"));
    Files.copy(dir.resolve("db-password"), home.resolve("db-password"));
    Files.setPosixFilePermissions(
        home.resolve("db-password"), PosixFilePermissions.fromString("rw-------"));
    StringBuilder domains = new StringBuilder();
    for (int i = 1; i <= 4; i++) {
      domains.append(
          String.format(
              Locale.ROOT,
              "  - name: d%d.example.gov.uk\n    mailbox: m@d%d.example.gov.uk\n",
              i,
              i));
    }
    return Fixtures.config(
        home,
        String.format(
            Locale.ROOT,
            """
        state-dir: state
        state:
          url: %s
          username: %s
          password-file: db-password
        probe:
          schedule: "0 * * * *"
          time-zone: UTC
          catch-up: 6h
          transport: smtp
          retry: { attempts: 1, backoff: 1m, max-backoff: 5m }
          smtp: { host: 127.0.0.1, port: %d, auth: none, trust-store: ca.pem }
        domains:
        %s""",
            db.url(),
            db.role(),
            relay.port(),
            domains));
  }

  /** Lockstep simulated time for several daemons. */
  static final class Lockstep {
    final MutableClock clock;
    final Instant end;
    final Map<Daemon, Instant> waiting = new HashMap<>();
    final List<Daemon> live = new ArrayList<>();

    Lockstep(Instant start, Instant end) {
      this.clock = new MutableClock(start);
      this.end = end;
    }

    synchronized void join(Daemon d) {
      live.add(d);
    }

    synchronized void leave(Daemon d) {
      live.remove(d);
      waiting.remove(d);
      advanceIfAllWait();
      notifyAll();
    }

    Waiter waiterFor(Daemon[] self, AtomicBoolean killed) {
      return new Waiter() {
        @Override
        public void awaitUntil(Instant deadline) throws InterruptedException {
          Lockstep.this.await(self[0], deadline, killed);
        }

        @Override
        public void wake() {
          synchronized (Lockstep.this) {
            Lockstep.this.notifyAll();
          }
        }
      };
    }

    synchronized void await(Daemon d, Instant deadline, AtomicBoolean killed)
        throws InterruptedException {
      if (killed.get()) {
        d.stop();
        return;
      }
      if (!deadline.isAfter(clock.instant())) {
        return;
      }
      waiting.put(d, deadline);
      advanceIfAllWait();
      while (waiting.containsKey(d) && !killed.get()) {
        wait();
      }
      waiting.remove(d);
      if (killed.get() || !clock.instant().isBefore(end)) {
        d.stop();
      }
    }

    private void advanceIfAllWait() {
      if (live.isEmpty() || !waiting.keySet().containsAll(live)) {
        return;
      }
      Instant next = waiting.values().stream().min(Instant::compareTo).orElseThrow();
      if (!next.isBefore(end)) {
        clock.set(end);
        waiting.clear();
      } else {
        clock.set(next);
        waiting.values().removeIf(t -> !t.isAfter(next));
      }
      notifyAll();
    }
  }

  /**
   * The database connection of a host that dies right after committing its first claim at or after
   * {@code killAt}: the claim stays in the store, held by a process that will never renew it, and
   * nothing of that host runs again. As its claims in a slot are committed one at a time, before
   * any of that slot's deliveries, no probe of its is in flight when it dies (a delivery accepted
   * but not yet recorded is the double-send window the README names; it is not what this test is
   * about).
   */
  private static java.sql.Connection dyingAfterAClaim(
      java.sql.Connection real, MutableClock clock, Instant killAt, AtomicBoolean killed) {
    boolean[] claiming = new boolean[1];
    return (java.sql.Connection)
        java.lang.reflect.Proxy.newProxyInstance(
            TwoDaemonsTest.class.getClassLoader(),
            new Class<?>[] {java.sql.Connection.class},
            (proxy, method, args) -> {
              if (killed.get()) {
                throw new java.sql.SQLException("this host is dead");
              }
              if (method.getName().equals("prepareStatement")) {
                String sql = (String) args[0];
                if (sql.startsWith("INSERT INTO claims") && sql.contains(", 0)")
                    || sql.startsWith("UPDATE claims SET holder = ?, lease_until")) {
                  claiming[0] = true;
                }
              }
              Object result;
              try {
                result = method.invoke(real, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                claiming[0] = false;
                throw e.getCause();
              }
              if (method.getName().equals("commit") || method.getName().equals("rollback")) {
                boolean claimed = claiming[0] && method.getName().equals("commit");
                claiming[0] = false;
                if (claimed && !clock.instant().isBefore(killAt) && !killed.get()) {
                  // The claim is committed; the process dies before it can use it.
                  killed.set(true);
                  real.close();
                  throw new java.sql.SQLException("this host died");
                }
              }
              return result;
            });
  }

  private record Host(Daemon daemon, Thread thread, AtomicBoolean killed) {}

  private Host host(Lockstep time, Config config, String name, Random random, Instant killAt) {
    AtomicBoolean killed = new AtomicBoolean();
    Daemon[] self = new Daemon[1];
    Daemon daemon =
        new Daemon(
            config,
            time.clock,
            time.waiterFor(self, killed),
            c -> new SmtpTransport(null),
            () -> config,
            "test");
    daemon.storeOpener(
        c -> {
          StateStore s =
              new StateStore(
                  StateStore.Kind.POSTGRESQL,
                  () -> {
                    if (killed.get()) {
                      throw new java.sql.SQLException("this host is dead");
                    }
                    java.sql.Connection conn = Stores.postgres(c.state());
                    return killAt == null
                        ? conn
                        : dyingAfterAClaim(conn, time.clock, killAt, killed);
                  },
                  c.state().url(),
                  name + "/" + random.nextInt(1000),
                  false);
          s.migrate();
          return s;
        });
    self[0] = daemon;
    time.join(daemon);
    Thread t =
        new Thread(
            () -> {
              try {
                daemon.run();
              } finally {
                time.leave(daemon);
              }
            },
            name);
    return new Host(daemon, t, killed);
  }

  @RepeatedTest(3)
  void everySlotGoesExactlyOnceWhileOneOfTwoHostsDiesAndComesBack() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Instant start = Instant.parse("2026-11-29T00:00:00Z");
    Instant end = Instant.parse("2026-11-30T00:00:00Z");
    Lockstep time = new Lockstep(start, end);
    Config a = config("a");
    Config b = config("b");
    // The kill: at a random hour, right after host A's first claim from then on (or, if it
    // claims nothing more, while it is idle an hour later).
    Instant killAt = start.plus(Duration.ofHours(2 + random.nextInt(16)));
    Instant backAt = killAt.plus(Duration.ofHours(2 + random.nextInt(3)));
    Host hostA = host(time, a, "host-a", random, killAt);
    Host hostB = host(time, b, "host-b", random, null);
    hostA.thread().start();
    hostB.thread().start();
    Host again = null;
    while (hostB.thread().isAlive()) {
      Instant now = time.clock.instant();
      if (!hostA.killed().get() && !now.isBefore(killAt.plus(Duration.ofHours(1)))) {
        synchronized (time) {
          if (time.waiting.containsKey(hostA.daemon())) {
            hostA.killed().set(true);
            time.notifyAll();
          }
        }
      }
      if (again == null && !now.isBefore(backAt)) {
        again = host(time, config("a2"), "host-a2", random, null);
        again.thread().start();
      }
      hostB.thread().join(5);
    }
    hostA.thread().join(10_000);
    if (again != null) {
      again.thread().join(10_000);
    }

    Map<String, Long> got =
        relay.received().stream()
            .map(r -> new String(r.data()))
            .map(m -> m.lines().filter(l -> l.startsWith("Message-ID: ")).findFirst().orElseThrow())
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    List<String> expected = new ArrayList<>();
    for (int h = 0; h < 24; h++) {
      for (int i = 1; i <= 4; i++) {
        expected.add(
            String.format(
                Locale.ROOT,
                "Message-ID: <mailassure.20261129T%02d0000Z@d%d.example.gov.uk>",
                h,
                i));
      }
    }
    String why = "seed " + seed + ", killed at " + killAt + ", back at " + backAt;
    assertThat(hostA.killed()).as(why).isTrue();
    assertThat(got).as(why).containsOnlyKeys(expected);
    assertThat(got.values()).as(why).allMatch(n -> n == 1);
    List<JournalEntry> records = new ArrayList<>();
    try (StateStore s = Stores.open(b, end, false)) {
      s.history(null, null, records::add);
    }
    assertThat(records).as(why).noneMatch(e -> e.outcome() == Outcome.MISSED);
    assertThat(records.stream().filter(e -> e.outcome() == Outcome.SENT).count())
        .as(why)
        .isEqualTo(24 * 4);
  }
}
