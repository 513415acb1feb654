package org.mailassure.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
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
 * also with Ed25519), a config written and loaded through the real loader, probes sent through the
 * real smtp transport, received back and every DKIM signature verified.
 */
public final class Demo {
  /** The example domains; {@code .example} is reserved by RFC 2606, so nothing real is named. */
  static final List<String> DOMAINS = List.of("council.example", "agency.example", "trust.example");

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

  /** What the demo did: where the relay listened and one row per domain. */
  public record Report(int relayPort, List<Row> rows) {
    public boolean good() {
      return rows.stream().allMatch(Row::good);
    }
  }

  private final Clock clock;
  private final String version;

  public Demo(Clock clock, String version) {
    this.clock = clock;
    this.version = version;
  }

  public Report run() throws IOException {
    Path dir = Files.createTempDirectory("mailassure-demo-");
    Certificates.Issued ca = Certificates.authority("mailassure demo CA");
    Certificates.Issued cert = Certificates.server(ca, Duration.ofDays(1), "127.0.0.1");
    ca.writePem(dir.resolve("demo-ca.pem"));
    try (DemoRelay relay = new DemoRelay(cert.serverContext());
        SmtpTransport transport = new SmtpTransport(null)) {
      Map<String, String> records = new HashMap<>();
      Config config = writeConfig(dir, relay.port(), records);
      List<ProbeResult> results;
      try (StateStore store = Stores.open(config, clock.instant(), false)) {
        ProbeSender sender =
            new ProbeSender(
                config, transport, Ledger.unclaimed(store), clock, Sleeper.SYSTEM, version);
        Instant slot = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        results = sender.sendAll(config.domains(), slot, "manual", null);
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
      return new Report(relay.port(), rows);
    } finally {
      deleteTree(dir);
    }
  }

  private static Config writeConfig(Path dir, int port, Map<String, String> records)
      throws IOException {
    StringBuilder yaml = new StringBuilder();
    yaml.append("state-dir: state\n")
        .append(
            "probe:\n  transport: smtp\n  retry: { attempts: 2, backoff: 1s, max-backoff: 1s }\n")
        .append("  smtp:\n    host: 127.0.0.1\n    port: ")
        .append(port)
        .append('\n')
        .append("    security: starttls\n    auth: none\n    trust-store: demo-ca.pem\n")
        .append("domains:\n");
    for (int i = 0; i < DOMAINS.size(); i++) {
      String domain = DOMAINS.get(i);
      yaml.append("  - name: ")
          .append(domain)
          .append('\n')
          .append("    mailbox: secureemailreply@")
          .append(domain)
          .append('\n')
          .append("    rule: false\n")
          .append("    dkim:\n");
      yaml.append(key(dir, domain, "mailassure1", "RSA", records));
      if (i == 1) {
        yaml.append(key(dir, domain, "mailassure2", "Ed25519", records));
      }
    }
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(file, yaml);
    try {
      return new ConfigLoader(Map.of(), false).load(file);
    } catch (ConfigException e) {
      throw new IllegalStateException("the demo's own config does not load: " + e.getMessage(), e);
    }
  }

  private static String key(
      Path dir, String domain, String selector, String algorithm, Map<String, String> records)
      throws IOException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("RSA")) {
        g.initialize(2048);
      }
      KeyPair pair = g.generateKeyPair();
      Path file = dir.resolve(domain + "-" + selector + ".pem");
      Files.writeString(file, PemKeys.toPem(pair.getPrivate()));
      Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      DkimAlgorithm a =
          algorithm.equals("RSA") ? DkimAlgorithm.RSA_SHA256 : DkimAlgorithm.ED25519_SHA256;
      records.put(selector + "._domainkey." + domain, DkimKeyRecord.format(a, pair.getPublic()));
      return "      - selector: "
          + selector
          + "\n        private-key-file: "
          + file.getFileName()
          + "\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is always available", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
