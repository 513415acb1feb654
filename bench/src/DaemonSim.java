import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.mailassure.config.Config;
import org.mailassure.config.ConfigLoader;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.schedule.Daemon;
import org.mailassure.schedule.Waiter;

/**
 * The real daemon over simulated days: the clock jumps to each wait's deadline instead of waiting,
 * every slot really sends every domain's probe to the relay named in the config. At the end prints
 * the process's VmRSS (kB) and the journal's line count, tab-separated.
 */
public final class DaemonSim {
  public static void main(String[] args) throws Exception {
    Path configFile = Path.of(args[0]);
    Instant start = Instant.parse(args[1]);
    Instant end = Instant.parse(args[2]);
    Config config = new ConfigLoader(Map.of(), false).load(configFile);
    SimClock clock = new SimClock(start);
    Daemon[] daemon = new Daemon[1];
    Waiter waiter = new Waiter() {
      @Override
      public void awaitUntil(Instant deadline) {
        if (!deadline.isBefore(end)) {
          clock.now = end;
          daemon[0].stop();
        } else if (deadline.isAfter(clock.now)) {
          clock.now = deadline;
        }
      }

      @Override
      public void wake() {}
    };
    daemon[0] = new Daemon(config, clock, waiter, c -> new SmtpTransport(null), () -> config, "bench");
    daemon[0].run();
    System.gc();
    if (Boolean.getBoolean("bench.nmt")) {
      Object summary = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
          new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
          new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
      System.err.println(summary);
      System.err.println(Files.readString(Path.of("/proc/self/smaps_rollup")));
      Object histo = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
          new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[] {}}, new String[] {String[].class.getName()});
      System.err.println(String.join("\n", histo.toString().lines().limit(25).toList()));
    }
    String rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: 0 kB").replaceAll("[^0-9]", "");
    long lines = Files.lines(config.stateDir().resolve("journal.jsonl")).count();
    System.out.println(rss + "\t" + lines);
  }

  static final class SimClock extends Clock {
    volatile Instant now;

    SimClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
