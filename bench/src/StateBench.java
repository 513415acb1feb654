import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;
import org.mailassure.state.StateStore;
import org.mailassure.state.Stores;
import org.mailassure.testing.Installed;

/**
 * {@code status} and the daemon's start-up over a SQLite state store holding a day, a year and ten
 * years of a daily probe from every domain (a sent record and its settled claim a day a domain, as
 * the daemon writes them). The histories are made once through the store's own import path and kept
 * in bench/out. Then, as users run it: bin/mailassure status (wall and CPU from bash's time, median
 * of three), and bin/mailassure run with the systemd unit's command line and environment, timed
 * until its first metrics file is written (store opened, the due slot settled, the summary read)
 * with its CPU seconds and resident memory then. Nothing is due: each history ends at today's slot,
 * and retention is long enough that nothing is pruned. Prints one line a history: days, domains,
 * records, database MiB, status wall s, status CPU s, start-up wall s, start-up CPU s, start-up RSS
 * MiB.
 */
public final class StateBench {
  public static void main(String[] args) throws Exception {
    int domains = Integer.parseInt(args[0]);
    Path out = Path.of(args[1]).toAbsolutePath();
    Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(6));
    if (today.isAfter(Instant.now())) {
      today = today.minus(Duration.ofDays(1));
    }
    for (int i = 2; i < args.length; i++) {
      int days = Integer.parseInt(args[i]);
      Path dir = out.resolve("state-" + domains + "x" + days);
      Path db = dir.resolve(Stores.SQLITE_FILE);
      String mark = today.toString();
      Path made = dir.resolve("made-for");
      if (!Files.exists(made) || !Files.readString(made).equals(mark)) {
        deleteTree(dir);
        Files.createDirectories(dir);
        try (StateStore s = Stores.sqlite(db, "bench/1/0", true)) {
          s.migrate();
          s.recordAll(history(domains, days, today), "bench", "generated");
        }
        Files.writeString(made, mark);
      }
      Path config = out.resolve("state-bench-" + domains + "x" + days + ".yaml");
      StringBuilder y = new StringBuilder();
      y.append("state-dir: ").append(dir).append('\n');
      y.append("state: { retention: 4000d }\n");
      y.append("probe:\n  schedule: \"0 6 * * *\"\n  time-zone: UTC\n  catch-up: 6h\n");
      // Loopback and nothing listening: nothing is due, and nothing could leave if it were.
      y.append("  transport: smtp\n  smtp: { host: 127.0.0.1, port: 9, auth: none }\n");
      y.append("domains:\n");
      for (int d = 0; d < domains; d++) {
        y.append("  - name: d").append(d).append(".example.gov.uk\n");
        y.append("    mailbox: probe@d").append(d).append(".example.gov.uk\n");
      }
      Files.writeString(config, y);

      double[] wall = new double[3];
      double[] cpu = new double[3];
      for (int r = 0; r < 3; r++) {
        Timed t = Timed.run("status", "-c", config.toString());
        if (t.exitCode() != 0) {
          throw new IllegalStateException("status exited " + t.exitCode() + " for " + config);
        }
        wall[r] = t.wallSeconds();
        cpu[r] = t.cpuSeconds();
      }
      java.util.Arrays.sort(wall);
      java.util.Arrays.sort(cpu);

      Path prom = dir.resolve("mailassure.prom");
      Files.deleteIfExists(prom);
      Files.deleteIfExists(dir.resolve("mailassure.lock"));
      ProcessBuilder pb =
          Installed.asTheUnitStartsIt("-c", config.toString())
              .redirectOutput(out.resolve("state-bench-run.out").toFile())
              .redirectError(out.resolve("state-bench-run.err").toFile());
      long t0 = System.nanoTime();
      Process daemon = pb.start();
      double startWall;
      double startCpu;
      double rss;
      try {
        while (!Files.exists(prom)) {
          if (!daemon.isAlive()) {
            throw new IllegalStateException(
                "the daemon exited: see " + out.resolve("state-bench-run.err"));
          }
          Thread.sleep(5);
        }
        startWall = (System.nanoTime() - t0) / 1e9;
        startCpu = Proc.cpuSeconds(daemon.pid());
        rss = Proc.status(daemon.pid(), "VmRSS");
      } finally {
        daemon.destroy();
        daemon.waitFor(60, TimeUnit.SECONDS);
        daemon.destroyForcibly();
      }
      System.out.printf(
          "%d\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f%n",
          days,
          domains,
          (long) days * domains,
          Files.size(db) / 1048576.0,
          wall[1],
          cpu[1],
          startWall,
          startCpu,
          rss);
    }
  }

  /** A sent probe a day a domain, oldest first, ending at today's slot. */
  private static Iterable<JournalEntry> history(int domains, int days, Instant today) {
    Instant first = today.minus(Duration.ofDays(days - 1));
    return () ->
        new Iterator<>() {
          long i = 0;
          final long n = (long) days * domains;

          @Override
          public boolean hasNext() {
            return i < n;
          }

          @Override
          public JournalEntry next() {
            if (i >= n) {
              throw new NoSuchElementException();
            }
            Instant slot = first.plus(Duration.ofDays(i / domains));
            String domain = "d" + (i % domains) + ".example.gov.uk";
            i++;
            return new JournalEntry(
                OffsetDateTime.ofInstant(slot, ZoneOffset.UTC),
                domain,
                slot.plusSeconds(2),
                "<mailassure." + slot.getEpochSecond() + "@" + domain + ">",
                Outcome.SENT,
                1,
                "smtp",
                "schedule",
                "TLSv1.3",
                "TLS_AES_256_GCM_SHA384",
                "signed",
                null);
          }
        };
  }

  private static void deleteTree(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
