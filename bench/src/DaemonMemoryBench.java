import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.mailassure.testing.LoopbackGraph;
import org.mailassure.testing.LoopbackRelay;

/**
 * Runs a STARTTLS relay on 127.0.0.1 in this JVM and the daemon simulation (DaemonSim) in a child
 * JVM started with the systemd unit's flags, so the relay's memory is not counted; the child loads
 * mailassure through the layout's own class loader (SimBoot), as the product does. Prints: domains,
 * days, probes received, records, the child's VmRSS in MiB right after the last slot and when idle,
 * its peak (VmHWM), wall seconds, the child's CPU seconds. With a sixth argument {@code graph} the
 * probes go through the graph transport to the loopback Graph server (plain HTTP) instead.
 */
public final class DaemonMemoryBench {
  public static void main(String[] args) throws Exception {
    int domains = Integer.parseInt(args[0]);
    int days = Integer.parseInt(args[1]);
    Path out = Path.of(args[2]).toAbsolutePath();
    String classpath = args[3];
    List<String> jvmFlags = List.of(args[4].trim().split("\\s+"));
    boolean graph = args.length > 5 && args[5].equals("graph");
    try (LoopbackRelay relay = BenchRelay.start(out);
        LoopbackGraph graphServer = new LoopbackGraph()) {
      Path config = out.resolve("daemon-" + domains + ".yaml");
      BenchRelay.writeDaemonConfig(
          config,
          domains,
          "daemon-state",
          "0 6 * * *",
          "Europe/London",
          "6h",
          relay.port(),
          graphServer.baseUrl(),
          graph,
          // Over Graph reply mode (the default), looking every 6 simulated hours: every look is a
          // real request per mailbox, and a 5-minute poll would make 1.7 million of them.
          graph ? "{ action: reply, poll: 6h }" : "{ action: forward }");
      if (graph) {
        BenchRelay.deliverAssessments(graphServer, domains);
      }
      // A fresh state-dir: no store, no journal.jsonl of an older version to import.
      Path state = out.resolve("daemon-state");
      if (Files.exists(state)) {
        try (var walk = Files.walk(state)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmFlags);
      // Idle long enough after the last slot for the unit's periodic native-heap trim to run.
      long trimMs =
          jvmFlags.stream()
              .filter(f -> f.startsWith("-XX:TrimNativeHeapInterval="))
              .mapToLong(f -> Long.parseLong(f.substring(f.indexOf('=') + 1)))
              .findFirst()
              .orElse(0);
      command.add("-Dbench.idle.ms=" + (trimMs == 0 ? 0 : trimMs + 2000));
      if (Boolean.getBoolean("bench.nmt")) {
        command.addAll(List.of("-XX:NativeMemoryTracking=summary", "-Dbench.nmt=true"));
      }
      command.addAll(
          List.of(
              "-cp",
              classpath,
              "org.mailassure.boot.SimBoot",
              config.toString(),
              "2026-11-01T05:59:00Z",
              java.time.Instant.parse("2026-11-01T05:59:00Z")
                  .plus(Duration.ofDays(days))
                  .toString()));
      long t0 = System.nanoTime();
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectError(out.resolve("daemon-sim.err").toFile());
      pb.environment().put("MAILASSURE_GRAPH_TOKEN", "bench-token");
      Process p = pb.start();
      String result = new String(p.getInputStream().readAllBytes()).strip();
      int rc = p.waitFor();
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (rc != 0 || result.isEmpty()) {
        System.out.println("failed\t" + rc + "\tsee " + out.resolve("daemon-sim.err"));
        return;
      }
      String[] f = result.split("\t");
      int probes = graph ? BenchRelay.sendMails(graphServer) : relay.received().size();
      System.out.printf(
          "%d\t%d\t%d\t%s\t%.1f\t%.1f\t%.1f\t%.0f\t%s%n",
          domains,
          days,
          probes,
          f[3],
          Long.parseLong(f[0]) / 1024.0,
          Long.parseLong(f[1]) / 1024.0,
          Long.parseLong(f[2]) / 1024.0,
          seconds,
          f[4]);
    }
  }
}
