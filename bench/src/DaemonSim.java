import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.mailassure.config.Config;
import org.mailassure.config.ConfigLoader;
import org.mailassure.config.ProbeSettings;
import org.mailassure.graph.Credentials;
import org.mailassure.graph.GraphClients;
import org.mailassure.probe.transport.GraphTransport;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.schedule.Daemon;
import org.mailassure.schedule.Waiter;

/**
 * The real daemon over simulated days: the clock jumps to each wait's deadline instead of waiting,
 * every slot really sends every domain's probe to the relay named in the config. At the end prints,
 * tab-separated and in kB, VmRSS right after the last slot, VmRSS after idling {@code
 * -Dbench.idle.ms}, and the peak VmHWM; then the journal's line count and this process's CPU
 * seconds (user + system).
 */
public final class DaemonSim {
  public static void main(String[] args) throws Exception {
    Path configFile = Path.of(args[0]);
    Instant start = Instant.parse(args[1]);
    Instant end = Instant.parse(args[2]);
    Config config = new ConfigLoader(Map.of(), false).load(configFile);
    if (config.probe().transport() == ProbeSettings.TransportKind.GRAPH) {
      // As `run` does before it links anything that uses the Graph SDK.
      org.mailassure.boot.Libraries.require(org.mailassure.boot.Libraries.Group.GRAPH, "bench");
    }
    SimClock clock = new SimClock(start);
    Daemon[] daemon = new Daemon[1];
    Waiter waiter =
        new Waiter() {
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
    Daemon.TransportFactory transports =
        c ->
            c.probe().transport() == ProbeSettings.TransportKind.GRAPH
                ? new GraphTransport(
                    GraphClients.create(c.graph(), Credentials.of(c.graph(), System.getenv())),
                    clock)
                : new SmtpTransport(null);
    daemon[0] =
        new Daemon(config, clock, waiter, transports, () -> config, "bench")
            .repliers(
                (c, store, stopping, sleeper) ->
                    new org.mailassure.reply.ReplyAgent(
                        c,
                        new org.mailassure.reply.MailboxMessages(
                            GraphClients.create(
                                c.graph(), Credentials.of(c.graph(), System.getenv())),
                            sleeper,
                            clock),
                        store,
                        clock,
                        stopping));
    daemon[0].run();
    // The daemon collected its garbage after the last slot (Daemon.run); measure it then, and again
    // after idling as it does until the next slot, long enough for the JVM's periodic trim of the
    // native heap (-XX:TrimNativeHeapInterval in the unit) to have run.
    long afterSlot = status("VmRSS");
    Thread.sleep(Long.getLong("bench.idle.ms", 0));
    long idle = status("VmRSS");
    if (Boolean.getBoolean("bench.nmt")) {
      Object summary =
          java.lang.management.ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "vmNativeMemory",
                  new Object[] {new String[] {"summary"}},
                  new String[] {String[].class.getName()});
      System.err.println(summary);
      System.err.println(Files.readString(Path.of("/proc/self/smaps_rollup")));
      // Every mapping, for finding where resident memory lies (bench/out/daemon-sim.smaps).
      Files.writeString(
          Path.of(System.getProperty("bench.out", "bench/out"), "daemon-sim.smaps"),
          Files.readString(Path.of("/proc/self/smaps")));
      System.err.println(
          String.join(
              "\n",
              ((String)
                      java.lang.management.ManagementFactory.getPlatformMBeanServer()
                          .invoke(
                              new javax.management.ObjectName(
                                  "com.sun.management:type=DiagnosticCommand"),
                              "gcClassHistogram",
                              new Object[] {new String[] {}},
                              new String[] {String[].class.getName()}))
                  .lines()
                  .limit(30)
                  .toList()));
    }
    long lines = org.mailassure.testing.Records.in(config.stateDir()).size();
    double cpu =
        ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toMillis)
                .orElse(-1L)
            / 1000.0;
    System.out.println(
        afterSlot + "\t" + idle + "\t" + status("VmHWM") + "\t" + lines + "\t" + cpu);
  }

  /** A line of /proc/self/status, in kB. */
  private static long status(String key) throws java.io.IOException {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith(key + ":"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
        .findFirst()
        .orElse(0);
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
