import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import org.mailassure.testing.LoopbackDns;

/**
 * Runs `mailassure check` over N domains against a loopback DNS server that answers every question
 * after a delay. Each domain is a Microsoft 365 domain with MX, SPF (including Outlook's), DMARC
 * (with an external rua needing authorisation), two DKIM CNAMEs into onmicrosoft.com with 2048-bit
 * keys, MTA-STS (its policy served over HTTPS by {@link PolicyServer} on 127.0.0.1:443, trusted
 * through the launcher's MAILASSURE_JAVA_OPTS) and TLS-RPT records. Prints: domains, wall and CPU
 * seconds of the mailassure process, questions the DNS server received, the most times one (name,
 * type) was asked, policies fetched over HTTPS, and the exit code (0: every check passed).
 */
public final class CheckBench {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Duration delay = Duration.ofMillis(Long.parseLong(args[1]));
    Path out = Path.of(args[2]).toAbsolutePath();
    Files.createDirectories(out);
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    String key =
        "v=DKIM1; k=rsa; p="
            + Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
    try (LoopbackDns dns = new LoopbackDns();
        PolicyServer https = new PolicyServer(delay, "ec".equals(args[3]))) {
      dns.txt("spf.protection.outlook.com", "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 -all");
      StringBuilder yaml =
          new StringBuilder(
              "state-dir: state\nprobe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }\n"
                  + "readiness:\n  dns-servers: [\""
                  + dns.address()
                  + "\"]\n  timeout: 5s\ndomains:\n");
      for (int i = 0; i < n; i++) {
        String d = "d" + i + ".bench.example";
        String dashed = d.replace('.', '-');
        dns.add(d, "MX", "0 " + dashed + ".mail.protection.outlook.com.");
        dns.add(dashed + ".mail.protection.outlook.com", "A", "192.0.2.25");
        dns.txt(d, "v=spf1 include:spf.protection.outlook.com -all");
        dns.txt("_dmarc." + d, "v=DMARC1; p=reject; rua=mailto:dmarc-rua@dmarc.service.gov.uk");
        dns.txt(d + "._report._dmarc.dmarc.service.gov.uk", "v=DMARC1");
        for (String s : new String[] {"selector1", "selector2"}) {
          String target = s + "-" + dashed + "._domainkey.contoso.onmicrosoft.com";
          dns.add(s + "._domainkey." + d, "CNAME", target + ".");
          dns.txt(target, key);
        }
        dns.txt("_mta-sts." + d, "v=STSv1; id=20261129");
        dns.add("mta-sts." + d, "A", "127.0.0.1");
        https.serve(
            d,
            "version: STSv1\r\nmode: enforce\r\nmx: "
                + dashed
                + ".mail.protection.outlook.com\r\nmax_age: 604800\r\n");
        dns.txt("_smtp._tls." + d, "v=TLSRPTv1; rua=mailto:tls-rua@mailcheck.service.ncsc.gov.uk");
        yaml.append("  - name: ")
            .append(d)
            .append("\n    mailbox: secureemailreply@")
            .append(d)
            .append('\n');
      }
      Path config = out.resolve("check-" + n + ".yaml");
      Files.writeString(config, yaml);
      dns.delay(delay);
      char[] password = "bench-trust".toCharArray();
      Path trust = https.trustStore(out.resolve("bench-trust.p12"), password);
      Timed t =
          Timed.run(
              java.util.Map.of(
                  "MAILASSURE_JAVA_OPTS",
                  "-Djavax.net.ssl.trustStore="
                      + trust
                      + " -Djavax.net.ssl.trustStorePassword="
                      + new String(password)
                      + " -Djavax.net.ssl.trustStoreType=PKCS12 "
                      + System.getenv().getOrDefault("MAILASSURE_JAVA_OPTS", "")),
              "check",
              "--json",
              "--skip",
              "smtp-tls,rule,probe",
              "-c",
              config.toString());
      System.out.printf(
          "%d\t%.2f\t%.2f\t%d\t%d\t%d\t%d%n",
          n,
          t.wallSeconds(),
          t.cpuSeconds(),
          dns.questions(),
          dns.mostAskedQuestion(),
          https.served.get(),
          t.exitCode());
    }
  }
}
