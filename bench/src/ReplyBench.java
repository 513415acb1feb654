import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.mailassure.testing.LoopbackGraph;

/**
 * One look at N reply-mode mailboxes through `mailassure reply`, against a loopback Graph that adds
 * a fixed latency to every answer and holds one assessment message in each inbox; then a second
 * look (nothing new to answer). Prints one line per run, tab-separated: run, mailboxes, requests,
 * wall seconds, CPU seconds, ideal seconds (requests x latency / 4), ratio, and a note.
 */
public final class ReplyBench {
  private static final String ASSESSMENT = "emailsecurity@domaininformation.service.gov.uk";

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Duration latency = Duration.ofMillis(Long.parseLong(args[1]));
    Path out = Path.of(args[2]).toAbsolutePath();
    Files.createDirectories(out);
    Path state = out.resolve("reply-state");
    if (Files.exists(state)) {
      try (var walk = Files.walk(state)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    try (LoopbackGraph graph = new LoopbackGraph().latency(latency)) {
      Files.writeString(out.resolve("graph-token"), "bench-token\n");
      Files.setPosixFilePermissions(
          out.resolve("graph-token"),
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      StringBuilder yaml =
          new StringBuilder(
              "state-dir: reply-state\ngraph:\n  tenant-id: contoso.onmicrosoft.com\n  base-url: "
                  + graph.baseUrl()
                  + "\n  auth: { type: token, token-file: graph-token }\n"
                  + "rule: { action: reply }\nprobe: { transport: graph }\ndomains:\n");
      Instant received = Instant.now().minusSeconds(120);
      for (int i = 0; i < n; i++) {
        String mailbox = "secureemailreply@d" + i + ".bench.example";
        yaml.append("  - name: d")
            .append(i)
            .append(".bench.example\n    mailbox: ")
            .append(mailbox)
            .append('\n');
        graph.deliver(
            mailbox,
            "<bench-" + i + "@assessment.example>",
            received,
            ASSESSMENT,
            List.of(mailbox),
            List.of(),
            null,
            "Email security assessment");
      }
      Path config = out.resolve("reply-" + n + ".yaml");
      Files.writeString(config, yaml);
      for (String run : new String[] {"first (answers all)", "second (none new)"}) {
        int before = graph.requests().size();
        int repliesBefore = graph.replies().size();
        Timed t = Timed.run("reply", "--json", "-c", config.toString());
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
            (graph.replies().size() - repliesBefore)
                + " replies"
                + (t.exitCode() == 0 ? "" : ", exit " + t.exitCode()));
      }
      System.out.printf("max in flight\t%d%n", graph.maxInFlight());
    }
  }
}
