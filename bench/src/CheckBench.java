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
 * seconds of the mailassure process, CPU seconds of the loopback servers (this JVM) over the same
 * time, questions the DNS server received, the most times one (name, type) was asked, policies
 * fetched over HTTPS, and the exit code (0: every check passed).
 */
public final class CheckBench {
  /**
   * Brings the loopback servers to a steady state before the measured run, as remote servers that
   * have been answering for days would be: without it their JVM compiles its DNS and TLS code while
   * mailassure runs, on the same two cores (measured: 10 to 12 s of the servers' CPU during the run
   * without it, 7.7 to 8.6 s with it, about half of that still their C2 compiler's). Asks every
   * domain's questions (with the run's delay, 32 at a time), fetches as many policies from the
   * harness itself, waits until the JIT compilers have been idle for two seconds (at most a
   * minute), then forgets the counts, so the table's figures are the measured run's alone.
   */
  private static void warmUp(LoopbackDns dns, PolicyServer https, int n) throws Exception {
    int port = Integer.parseInt(dns.address().substring(dns.address().lastIndexOf(':') + 1));
    org.xbill.DNS.SimpleResolver resolver =
        new org.xbill.DNS.SimpleResolver(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
    resolver.setTimeout(Duration.ofSeconds(10));
    // With the run's delay already in place (its own code path), 32 questions out at a time.
    java.util.concurrent.ExecutorService askers =
        java.util.concurrent.Executors.newFixedThreadPool(32);
    try {
      java.util.List<java.util.concurrent.Future<?>> asked = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        String d = "d" + i + ".bench.example";
        String mx = d.replace('.', '-') + ".mail.protection.outlook.com";
        asked.add(
            askers.submit(
                () -> {
                  ask(resolver, d, org.xbill.DNS.Type.MX);
                  ask(resolver, mx, org.xbill.DNS.Type.A);
                  ask(resolver, "selector1._domainkey." + d, org.xbill.DNS.Type.TXT);
                  ask(resolver, "mta-sts." + d, org.xbill.DNS.Type.A);
                  for (String name :
                      new String[] {d, "_dmarc." + d, "_mta-sts." + d, "_smtp._tls." + d}) {
                    ask(resolver, name, org.xbill.DNS.Type.TXT);
                  }
                  return null;
                }));
      }
      PolicyServer.awaitWarmUp(asked);
    } finally {
      askers.shutdown();
    }
    https.warmUp(Math.max(n, 1000), 16);
    long idleSince = System.nanoTime();
    long compiled = compilerTicks();
    long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() - idleSince < 2_000_000_000L && System.nanoTime() < giveUp) {
      Thread.sleep(200);
      long now = compilerTicks();
      if (now != compiled) {
        compiled = now;
        idleSince = System.nanoTime();
      }
    }
    dns.resetCounts();
  }

  private static void ask(org.xbill.DNS.SimpleResolver resolver, String name, int type)
      throws java.io.IOException {
    resolver.send(
        org.xbill.DNS.Message.newQuery(
            org.xbill.DNS.Record.newRecord(
                org.xbill.DNS.Name.fromString(name + "."), type, org.xbill.DNS.DClass.IN)));
  }

  /** CPU ticks of this JVM's JIT compiler threads so far (Linux's /proc). */
  private static long compilerTicks() throws java.io.IOException {
    long ticks = 0;
    try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path t : tasks) {
        try {
          if (Files.readString(t.resolve("comm")).contains("Compiler")) {
            String stat = Files.readString(t.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (java.io.IOException gone) {
          // A thread that ended while being read (ENOENT, or ESRCH: "No such process").
        }
      }
    }
    return ticks;
  }

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
      warmUp(dns, https, n);
      char[] password = "bench-trust".toCharArray();
      Path trust = https.trustStore(out.resolve("bench-trust.p12"), password);
      java.lang.management.OperatingSystemMXBean os =
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long serversBefore = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
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
      // The loopback servers' CPU over the same time (this JVM: the DNS and HTTPS servers, their
      // TLS signatures), which shares the machine's cores with mailassure.
      double servers =
          (((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() - serversBefore)
              / 1e9;
      System.out.printf(
          "%d\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d\t%d%n",
          n,
          t.wallSeconds(),
          t.cpuSeconds(),
          servers,
          dns.questions(),
          dns.mostAskedQuestion(),
          https.served.get(),
          t.exitCode());
    }
  }
}
