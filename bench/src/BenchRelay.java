import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Duration;
import org.mailassure.demo.Certificates;
import org.mailassure.keys.PemKeys;
import org.mailassure.testing.LoopbackRelay;

/**
 * What the sending benchmarks share: a throwaway CA written to {@code bench-ca.pem}, an RSA-2048
 * DKIM key written to {@code dkim-rsa2048.pem}, and a started STARTTLS relay on 127.0.0.1 whose
 * certificate that CA issued.
 */
final class BenchRelay {
  private BenchRelay() {}

  static LoopbackRelay start(Path out) throws IOException, GeneralSecurityException {
    Files.createDirectories(out);
    Certificates.Issued ca = Certificates.authority("mailassure bench CA");
    Certificates.Issued cert = Certificates.server(ca, Duration.ofDays(1), "127.0.0.1");
    ca.writePem(out.resolve("bench-ca.pem"));
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    Files.writeString(
        out.resolve("dkim-rsa2048.pem"), PemKeys.toPem(g.generateKeyPair().getPrivate()));
    Files.setPosixFilePermissions(
        out.resolve("dkim-rsa2048.pem"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
        .tls(cert.serverContext())
        .build()
        .start();
  }

  /**
   * A daemon config for {@code domains} domains: the given schedule (UTC when {@code timeZone} is
   * null) and state directory, probes over the relay (RSA-2048 DKIM) or the loopback Graph server
   * (which Microsoft 365 would sign).
   */
  /** The probes the loopback Graph server accepted (sendMail requests; not lists or replies). */
  static int sendMails(org.mailassure.testing.LoopbackGraph graph) {
    return (int) graph.requests().stream().filter(r -> r.path().endsWith("/sendMail")).count();
  }

  /**
   * Puts one message from the assessment address in each bench mailbox's inbox, for the reply agent
   * to answer.
   */
  static void deliverAssessments(org.mailassure.testing.LoopbackGraph graph, int domains) {
    java.time.Instant at = java.time.Instant.now().minusSeconds(60);
    for (int i = 0; i < domains; i++) {
      String mailbox = "secureemailreply@d" + i + ".bench.example";
      graph.deliver(
          mailbox,
          "<bench-" + i + "@assessment.example>",
          at,
          "emailsecurity@domaininformation.service.gov.uk",
          java.util.List.of(mailbox),
          java.util.List.of(),
          null,
          "Email security assessment");
    }
  }

  /**
   * Writes the daemon config of the memory benchmarks.
   *
   * @param rule the rule section, inline: reply mode (the default) over Graph, forward for smtp
   */
  static void writeDaemonConfig(
      Path file,
      int domains,
      String stateDir,
      String schedule,
      String timeZone,
      String catchUp,
      int relayPort,
      String graphUrl,
      boolean graph,
      String rule)
      throws IOException {
    java.util.List<String> lines =
        new java.util.ArrayList<>(
            java.util.List.of(
                "state-dir: " + stateDir,
                "probe:",
                "  schedule: \"" + schedule + "\"",
                "  time-zone: " + timeZone,
                "  catch-up: " + catchUp,
                "  transport: " + (graph ? "graph" : "smtp"),
                "  retry: { attempts: 2, backoff: 1s, max-backoff: 1s }",
                "  smtp: { host: 127.0.0.1, port: "
                    + relayPort
                    + ", auth: none, trust-store: bench-ca.pem }",
                "graph:",
                "  tenant-id: contoso.onmicrosoft.com",
                "  base-url: " + graphUrl,
                "  auth: { type: token, token-env: MAILASSURE_GRAPH_TOKEN }",
                "rule: " + rule,
                "domains:"));
    for (int i = 0; i < domains; i++) {
      lines.add("  - name: d" + i + ".bench.example");
      lines.add("    mailbox: secureemailreply@d" + i + ".bench.example");
      if (!graph) { // over Graph, Microsoft 365 signs
        lines.add("    dkim: [{ selector: mailassure1, private-key-file: dkim-rsa2048.pem }]");
      }
    }
    Files.write(file, lines);
  }
}
