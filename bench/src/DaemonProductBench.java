import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.mailassure.testing.Installed;
import org.mailassure.testing.LoopbackGraph;
import org.mailassure.testing.LoopbackRelay;

/**
 * The installed product as the systemd unit starts it (bin/mailassure with the unit's Environment=
 * and ExecStart=, so the launcher's service JVM options), on a real clock: a schedule of every
 * minute for 200 domains, each slot's probes really sent to the relay (smtp) or the loopback Graph
 * server (graph) in this JVM. Over Graph the reply agent runs too (reply mode, the default),
 * looking at all 200 mailboxes every minute and answering one assessment message in each. After
 * each slot it reads the daemon's VmRSS; after the last it idles past the native-heap trim interval
 * and reads VmRSS and VmHWM. Prints one line: transport, domains, slots, probes, MiB after the last
 * slot, idle MiB, peak MiB, wall seconds, the daemon's CPU seconds (user + system).
 */
public final class DaemonProductBench {
  public static void main(String[] args) throws Exception {
    int domains = Integer.parseInt(args[0]);
    int slots = Integer.parseInt(args[1]);
    Path out = Path.of(args[2]).toAbsolutePath();
    boolean graph = args[3].equals("graph");
    try (LoopbackRelay relay = BenchRelay.start(out);
        LoopbackGraph graphServer = new LoopbackGraph()) {
      Path state = out.resolve("product-state");
      if (Files.exists(state)) {
        try (var walk = Files.walk(state)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      Path config = out.resolve("product-" + domains + ".yaml");
      BenchRelay.writeDaemonConfig(
          config,
          domains,
          state.toString(),
          "* * * * *",
          "UTC",
          "0",
          relay.port(),
          graphServer.baseUrl(),
          graph,
          // Over Graph the default configuration: reply mode, here looking every minute (the
          // shortest poll) at every mailbox, each holding one assessment message to answer.
          graph ? "{ action: reply, poll: 1m }" : "{ action: forward }");
      if (graph) {
        BenchRelay.deliverAssessments(graphServer, domains);
      }
      ProcessBuilder pb =
          Installed.asTheUnitStartsIt("-c", config.toString())
              .redirectOutput(out.resolve("product.out").toFile())
              .redirectError(out.resolve("product.err").toFile());
      pb.environment().put("MAILASSURE_GRAPH_TOKEN", "bench-token");
      long t0 = System.nanoTime();
      Process daemon = pb.start();
      double afterSlot = 0;
      try {
        for (int slot = 1; slot <= slots; slot++) {
          long want = (long) slot * domains;
          while (org.mailassure.testing.Records.count(state, "sent") < want) {
            if (!daemon.isAlive()) {
              throw new IllegalStateException(
                  "the daemon exited: see " + out.resolve("product.err"));
            }
            Thread.sleep(200);
          }
          afterSlot = Proc.status(daemon.pid(), "VmRSS");
        }
        Thread.sleep(12_000); // past the trim interval, as the daemon idles until the next slot
        double idle = Proc.status(daemon.pid(), "VmRSS");
        double peak = Proc.status(daemon.pid(), "VmHWM");
        double cpu = Proc.cpuSeconds(daemon.pid());
        double wall = (System.nanoTime() - t0) / 1e9;
        int received = graph ? BenchRelay.sendMails(graphServer) : relay.received().size();
        if (graph && graphServer.replies().size() != domains) {
          throw new IllegalStateException(
              "the reply agent answered "
                  + graphServer.replies().size()
                  + " of "
                  + domains
                  + " assessment messages; see "
                  + out.resolve("product.err"));
        }
        System.out.printf(
            "%s\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.0f\t%.1f%n",
            graph ? "graph" : "smtp", domains, slots, received, afterSlot, idle, peak, wall, cpu);
      } finally {
        daemon.destroy();
        daemon.waitFor(60, TimeUnit.SECONDS);
        daemon.destroyForcibly();
      }
    }
  }
}
