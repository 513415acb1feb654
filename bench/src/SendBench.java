import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mailassure.testing.LoopbackRelay;

/**
 * Benchmark harness: runs a STARTTLS relay on 127.0.0.1, writes an N-domain config (RSA-2048 DKIM
 * for every domain), then times (1) `mailassure send` as a fresh process and (2) a sequential loop
 * of swaks doing the same STARTTLS sends. Prints one line per measurement, tab-separated: name,
 * probes, wall seconds, CPU seconds (mailassure only), probes/s, delivered. Loopback only.
 */
public final class SendBench {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Path out = Path.of(args[1]).toAbsolutePath();
    try (LoopbackRelay relay = BenchRelay.start(out)) {
      Path config = writeConfig(out, n, relay.port());
      // bin/mailassure as a process, timed by bash's time: wall and its CPU (user + system).
      Timed sent = Timed.run("send", "-c", config.toString(), "--json");
      int delivered = relay.received().size();
      line(
          "mailassure send (fresh JVM, 8 in parallel)",
          n,
          sent.wallSeconds(),
          String.format("%.2f", sent.cpuSeconds()),
          delivered + (sent.exitCode() == 0 ? "" : " exit " + sent.exitCode()));

      if (hasSwaks()) {
        long t1 = System.nanoTime();
        int before = relay.received().size();
        for (int i = 0; i < n; i++) {
          run(
              List.of(
                  "swaks",
                  "--silent",
                  "2",
                  "--server",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(relay.port()),
                  "--tls",
                  "--from",
                  "secureemailreply@d" + i + ".bench.example",
                  "--to",
                  "emailsecurity@domaininformation.service.gov.uk",
                  "--helo",
                  "bench.example"),
              null);
        }
        double swaks = (System.nanoTime() - t1) / 1e9;
        line(
            "swaks loop (sequential, STARTTLS, unsigned)",
            n,
            swaks,
            "-",
            Integer.toString(relay.received().size() - before));
      } else {
        System.out.println("swaks\t-\t-\t-\t-\tnot installed (apt-get install swaks)");
      }
    }
  }

  private static void line(String name, int n, double seconds, String cpu, String delivered) {
    System.out.printf(
        "%s\t%d\t%.2f\t%s\t%.1f\t%s%n", name, n, seconds, cpu, n / seconds, delivered);
  }

  private static boolean hasSwaks() {
    try {
      return new ProcessBuilder("swaks", "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start()
              .waitFor()
          == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static int run(List<String> command, Path stdout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.redirectOutput(
        stdout == null
            ? ProcessBuilder.Redirect.DISCARD
            : ProcessBuilder.Redirect.to(stdout.toFile()));
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  /** An N-domain config: every domain with an RSA-2048 key, relay on loopback with the bench CA. */
  static Path writeConfig(Path out, int n, int port) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("state-dir: state");
    lines.add("probe:");
    lines.add("  transport: smtp");
    lines.add("  retry: { attempts: 2, backoff: 1s, max-backoff: 1s }");
    lines.add(
        "  smtp: { host: 127.0.0.1, port: " + port + ", auth: none, trust-store: bench-ca.pem }");
    lines.add("domains:");
    for (int i = 0; i < n; i++) {
      lines.add("  - name: d" + i + ".bench.example");
      lines.add("    mailbox: secureemailreply@d" + i + ".bench.example");
      lines.add("    dkim: [{ selector: mailassure1, private-key-file: dkim-rsa2048.pem }]");
    }
    Path file = out.resolve("bench-" + n + ".yaml");
    Files.write(file, lines);
    org.mailassure.testing.Records.delete(out.resolve("state"));
    return file;
  }
}
