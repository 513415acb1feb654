import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.mailassure.testing.LoopbackGraph;

/**
 * Provisions N mailboxes through `mailassure provision` against a loopback Graph that adds a fixed
 * latency to every answer, then runs it again (nothing to change). Prints one line per run,
 * tab-separated: run, mailboxes, requests, seconds, ideal seconds (requests x latency / 4), ratio.
 */
public final class RulesBench {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Duration latency = Duration.ofMillis(Long.parseLong(args[1]));
    Path out = Path.of(args[2]).toAbsolutePath();
    Files.createDirectories(out);
    try (LoopbackGraph graph = new LoopbackGraph().latency(latency)) {
      Files.writeString(out.resolve("graph-token"), "bench-token\n");
      Files.setPosixFilePermissions(
          out.resolve("graph-token"),
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      StringBuilder yaml =
          new StringBuilder(
              "graph:\n  tenant-id: contoso.onmicrosoft.com\n  base-url: "
                  + graph.baseUrl()
                  + "\n  auth: { type: token, token-file: graph-token }\n"
                  + "rule: { action: forward }\nprobe: { transport: graph }\ndomains:\n");
      for (int i = 0; i < n; i++) {
        yaml.append("  - name: d")
            .append(i)
            .append(".bench.example\n    mailbox: secureemailreply@d")
            .append(i)
            .append(".bench.example\n");
      }
      Path config = out.resolve("rules-" + n + ".yaml");
      Files.writeString(config, yaml);
      for (String run : new String[] {"first (creates)", "second (unchanged)"}) {
        int before = graph.requests().size();
        Timed t = Timed.run("provision", "--json", "-c", config.toString());
        int requests = graph.requests().size() - before;
        double ideal = requests * latency.toMillis() / 1000.0 / 4;
        System.out.printf(
            "%s\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%s%n",
            run,
            n,
            requests,
            t.wallSeconds(),
            t.cpuSeconds(),
            ideal,
            t.wallSeconds() / ideal,
            t.exitCode() == 0 ? "" : "exit " + t.exitCode());
      }
      System.out.printf("max in flight\t%d%n", graph.maxInFlight());
    }
  }
}
