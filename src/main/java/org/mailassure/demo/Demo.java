package org.mailassure.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mailassure.config.Config;
import org.mailassure.config.ConfigException;
import org.mailassure.config.ConfigLoader;
import org.mailassure.keys.DkimAlgorithm;
import org.mailassure.keys.PemKeys;
import org.mailassure.probe.Ledger;
import org.mailassure.probe.ProbeResult;
import org.mailassure.probe.ProbeSender;
import org.mailassure.probe.Sleeper;
import org.mailassure.probe.dkim.DkimKeyRecord;
import org.mailassure.probe.dkim.DkimVerifier;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.state.StateStore;
import org.mailassure.state.StoreException;
import org.mailassure.state.Stores;

/**
 * The whole probe pipeline on loopback with no tenant and no config file: a throwaway CA and relay
 * certificate, a STARTTLS relay on 127.0.0.1, throwaway DKIM keys for three example domains (one
 * also with Ed25519), or for the domains and selectors of a config, a config written and loaded
 * through the real loader, probes sent through the real smtp transport, received back and every
 * DKIM signature verified; then the reply loop: an assessment message lands in a loopback mailbox
 * behind a Graph stand-in (the first domain's), the real reply agent answers it through the real
 * Graph SDK, and a second look answers nothing twice.
 */
public final class Demo {
  /**
   * A domain the demo sends from: its mailbox and the selectors it signs with, each with a
   * throwaway key of its algorithm (RSA or Ed25519).
   */
  public record Domain(String name, String mailbox, List<Selector> selectors) {
    public Domain {
      selectors = List.copyOf(selectors);
    }
  }

  /** A DKIM selector and the algorithm of its throwaway key. */
  public record Selector(String name, DkimAlgorithm algorithm) {}

  /** The selector a config's domain without DKIM keys signs with in the demo. */
  public static final String DEMO_SELECTOR = "mailassure-demo";

  /**
   * The example domains; {@code .example} is reserved by RFC 2606, so nothing real is named. One
   * also signs with Ed25519, as an Ed25519 key is accepted only beside an RSA one.
   */
  public static final List<Domain> EXAMPLES =
      List.of(
          example("council.example"),
          new Domain(
              "agency.example",
              "secureemailreply@agency.example",
              List.of(
                  new Selector("mailassure1", DkimAlgorithm.RSA_SHA256),
                  new Selector("mailassure2", DkimAlgorithm.ED25519_SHA256))),
          example("trust.example"));

  private static Domain example(String name) {
    return new Domain(
        name,
        "secureemailreply@" + name,
        List.of(new Selector("mailassure1", DkimAlgorithm.RSA_SHA256)));
  }

  /** Where a spoofer would have the reply go (RFC 2606's reserved name). */
  static final String SPOOFED_REPLY_TO = "someone-else@spoofer.example";

  /** One domain's probe as the relay saw it. */
  public record Row(
      String domain,
      boolean delivered,
      String tlsProtocol,
      String tlsCipher,
      List<DkimVerifier.Result> signatures,
      String messageId,
      String error) {
    public boolean good() {
      return delivered
          && !signatures.isEmpty()
          && signatures.stream().allMatch(DkimVerifier.Result::pass);
    }
  }

  /**
   * The reply loop as the loopback mailbox saw it: the assessment message it held (with a spoofed
   * Reply-To), the replies posted to it, and what a second look did.
   */
  public record ReplyLoop(
      String mailbox,
      String messageId,
      String spoofedReplyTo,
      List<String> repliedTo,
      String text,
      long secondLookReplies,
      String error) {
    public boolean good() {
      return error == null
          && repliedTo.size() == 1
          && repliedTo.get(0).equals(org.mailassure.config.Config.DEFAULT_ASSESSMENT_ADDRESS)
          && secondLookReplies == 0;
    }
  }

  /** What the demo did: where the relay listened, one row per domain, and the reply loop. */
  public record Report(int relayPort, List<Row> rows, ReplyLoop reply) {
    public boolean good() {
      return rows.stream().allMatch(Row::good) && reply.good();
    }
  }

  private static final String DEMO_TOKEN_ENV = "MAILASSURE_DEMO_TOKEN";

  private final Clock clock;
  private final String version;
  private final List<Domain> domains;

  /** The demo of the example domains. */
  public Demo(Clock clock, String version) {
    this(clock, version, EXAMPLES);
  }

  /**
   * @param domains at least one; the first one's mailbox is the one the reply agent answers from
   */
  public Demo(Clock clock, String version, List<Domain> domains) {
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("the demo needs at least one domain");
    }
    this.clock = clock;
    this.version = version;
    this.domains = List.copyOf(domains);
  }

  /** The mailbox the demo's reply agent answers from: the first domain's. */
  private String replyMailbox() {
    return domains.get(0).mailbox();
  }

  /**
   * Runs the demo.
   *
   * @throws ConfigException when the domains given do not make a config the real loader accepts (a
   *     domain twice, say); never for the example domains
   */
  public Report run() throws IOException, ConfigException {
    Path dir = Files.createTempDirectory("mailassure-demo-");
    Certificates.Issued ca = Certificates.authority("mailassure demo CA");
    Certificates.Issued cert = Certificates.server(ca, Duration.ofDays(1), "127.0.0.1");
    ca.writePem(dir.resolve("demo-ca.pem"));
    try (DemoRelay relay = new DemoRelay(cert.serverContext());
        DemoMailbox mailbox = new DemoMailbox(replyMailbox());
        SmtpTransport transport = new SmtpTransport(null)) {
      Map<String, String> records = new HashMap<>();
      Config config = writeConfig(dir, relay.port(), mailbox.baseUrl(), records);
      List<ProbeResult> results;
      ReplyLoop loop;
      try (StateStore store = Stores.open(config, clock.instant(), false)) {
        ProbeSender sender =
            new ProbeSender(
                config, transport, Ledger.unclaimed(store), clock, Sleeper.SYSTEM, version);
        Instant slot = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        results = sender.sendAll(config.domains(), slot, "manual", null);
        loop = replyLoop(config, mailbox, store);
      } catch (StoreException e) {
        throw new IOException(e.getMessage(), e);
      }
      DkimVerifier verifier =
          new DkimVerifier((selector, domain) -> records.get(selector + "._domainkey." + domain));
      List<Row> rows = new ArrayList<>();
      for (ProbeResult r : results) {
        DemoRelay.Received got =
            relay.received().stream()
                .filter(m -> m.from().endsWith("@" + r.domain()))
                .findFirst()
                .orElse(null);
        rows.add(
            got == null
                ? new Row(r.domain(), false, null, null, List.of(), r.messageId(), r.error())
                : new Row(
                    r.domain(),
                    true,
                    got.tlsProtocol(),
                    got.tlsCipher(),
                    verifier.verify(got.data()),
                    r.messageId(),
                    null));
      }
      return new Report(relay.port(), rows, loop);
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * The assessment service writes to the mailbox (with a Reply-To pointing elsewhere, as a spoofer
   * would); the reply agent looks, through the real Graph SDK, and replies; a second look finds
   * nothing new to answer.
   */
  private ReplyLoop replyLoop(Config config, DemoMailbox mailbox, StateStore store) {
    String spoofed = SPOOFED_REPLY_TO;
    String messageId = "<assessment-" + clock.millis() + "@domaininformation.service.gov.uk>";
    mailbox.deliver(
        "AAMkAGI2demo",
        messageId,
        clock.instant().minusSeconds(60),
        config.assessmentAddress(),
        spoofed);
    try {
      var client =
          org.mailassure.graph.GraphClients.create(
              config.graph(),
              org.mailassure.graph.Credentials.of(
                  config.graph(), Map.of(DEMO_TOKEN_ENV, "demo-token")));
      var agent =
          new org.mailassure.reply.ReplyAgent(
              config,
              new org.mailassure.reply.MailboxMessages(client, Sleeper.SYSTEM, clock),
              new org.mailassure.state.ReplyStore(store),
              clock,
              () -> false);
      var first = agent.lookAll(config.replying());
      var second = agent.lookAll(config.replying());
      String error =
          first.stream()
              .map(org.mailassure.reply.ReplyAgent.LookResult::error)
              .filter(java.util.Objects::nonNull)
              .findFirst()
              .orElse(null);
      var posted = mailbox.replies();
      return new ReplyLoop(
          replyMailbox(),
          messageId,
          spoofed,
          posted.stream().map(DemoMailbox.Posted::to).toList(),
          posted.isEmpty() ? null : posted.get(0).text(),
          second.stream().mapToLong(org.mailassure.reply.ReplyAgent.LookResult::replied).sum(),
          error);
    } catch (org.mailassure.graph.CredentialException e) {
      return new ReplyLoop(replyMailbox(), messageId, spoofed, List.of(), null, 0, e.getMessage());
    }
  }

  private Config writeConfig(Path dir, int port, String graphUrl, Map<String, String> records)
      throws IOException, ConfigException {
    StringBuilder yaml = new StringBuilder();
    yaml.append("state-dir: state\n")
        .append("graph:\n  tenant-id: contoso.onmicrosoft.com\n  base-url: ")
        .append(graphUrl)
        .append("\n  auth: { type: token, token-env: ")
        .append(DEMO_TOKEN_ENV)
        .append(" }\n")
        .append("rule: { action: reply }\n")
        .append(
            "probe:\n  transport: smtp\n  retry: { attempts: 2, backoff: 1s, max-backoff: 1s }\n")
        .append("  smtp:\n    host: 127.0.0.1\n    port: ")
        .append(port)
        .append('\n')
        .append("    security: starttls\n    auth: none\n    trust-store: demo-ca.pem\n")
        .append("domains:\n");
    // One throwaway key pair per algorithm, shared by every domain: each domain still has its own
    // record, and a config of many domains does not wait for a key pair each.
    Map<DkimAlgorithm, KeyPair> pairs = new java.util.EnumMap<>(DkimAlgorithm.class);
    for (int i = 0; i < domains.size(); i++) {
      Domain domain = domains.get(i);
      yaml.append("  - name: ")
          .append(domain.name())
          .append('\n')
          .append("    mailbox: ")
          .append(domain.mailbox())
          .append('\n')
          .append(i == 0 ? "    rule: true\n" : "    rule: false\n")
          .append("    dkim:\n");
      for (Selector selector : domain.selectors()) {
        KeyPair pair = pairs.computeIfAbsent(selector.algorithm(), a -> a.newKeyPair(2048));
        yaml.append(key(dir, domain.name(), selector, pair, records));
      }
    }
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of(), false).load(file);
  }

  private static String key(
      Path dir, String domain, Selector selector, KeyPair pair, Map<String, String> records)
      throws IOException {
    Path file = dir.resolve(domain + "-" + selector.name() + ".pem");
    Files.writeString(file, PemKeys.toPem(pair.getPrivate()));
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    records.put(
        selector.name() + "._domainkey." + domain,
        DkimKeyRecord.format(selector.algorithm(), pair.getPublic()));
    return "      - selector: "
        + selector.name()
        + "\n        private-key-file: "
        + file.getFileName()
        + "\n";
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
