import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import org.mailassure.testing.LoopbackDns;

/**
 * Runs `mailassure check` over N domains against a loopback DNS server that answers every question
 * after a delay, RUNS (3) times after the warm-up, each run a row, then their medians. Each domain
 * is a Microsoft 365 domain with MX, SPF (including Outlook's), DMARC (with an external rua needing
 * authorisation), two DKIM CNAMEs into onmicrosoft.com with 2048-bit keys, MTA-STS (its policy
 * served over HTTPS by {@link PolicyServer} on 127.0.0.1:443, trusted through the launcher's
 * MAILASSURE_JAVA_OPTS) and TLS-RPT records. Prints: domains, wall and CPU seconds of the
 * mailassure process, CPU seconds of the loopback servers (this JVM) over the same time, questions
 * the DNS server received, the most times one (name, type) was asked, policies fetched over HTTPS,
 * and the exit code (0: every check passed); the medians' row gives the wall, CPU and servers' CPU
 * medians and whether every run exited 0.
 */
public final class CheckBench {
  private static final String TRUST_PASSWORD = "bench-trust";
  private static final int WARM_UP_RUNS =
      Integer.parseInt(System.getenv().getOrDefault("WARM_UP_RUNS", "3"));

  /**
   * Brings the loopback servers to a steady state before the measured run, as remote servers that
   * have been answering for days would be: WARM_UP_RUNS (3) whole `mailassure check` runs over the
   * same domains, unmeasured, so that the servers' JIT compiles their DNS and TLS code for the
   * traffic they are about to serve; then a wait until their JIT compilers have been idle for two
   * seconds (at most a minute); then the counts are forgotten, so the table's figures are the
   * measured run's alone. Measured with /proc during the run: when the servers were warmed by a
   * client in their own JVM instead, their C2 compiler kept recompiling all through the measured
   * run (285 compilations, code deoptimised by traffic its profiles had not seen), about 7 of their
   * 10 s of CPU; after 1, 2 and 3 warm-up runs of mailassure itself, their CPU during the measured
   * run was 6.5, 5.9 and 4.7 s.
   */
  private static void warmUp(LoopbackDns dns, PolicyServer https, Path config, Path trust)
      throws Exception {
    for (int run = 0; run < WARM_UP_RUNS; run++) {
      Timed warm = check(config, trust, "");
      if (warm.exitCode() != 0) {
        throw new IllegalStateException(
            "the warm-up run of mailassure check exited " + warm.exitCode() + ", not 0");
      }
    }
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
    https.served.set(0);
  }

  /** Runs bin/mailassure check over the config, trusting the bench CA, with more JVM options. */
  private static Timed check(Path config, Path trust, String javaOptions) throws Exception {
    return Timed.run(
        java.util.Map.of(
            "MAILASSURE_JAVA_OPTS",
            "-Djavax.net.ssl.trustStore="
                + trust
                + " -Djavax.net.ssl.trustStorePassword="
                + TRUST_PASSWORD
                + " -Djavax.net.ssl.trustStoreType=PKCS12 "
                + javaOptions),
        "check",
        "--json",
        "--skip",
        "smtp-tls,rule,probe",
        "-c",
        config.toString());
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
      Path trust = https.trustStore(out.resolve("bench-trust.p12"), TRUST_PASSWORD.toCharArray());
      warmUp(dns, https, config, trust);
      // The machine's speed drifts from minute to minute (a shared VM): RUNS measured runs, each
      // a row, and their medians.
      int runs = Integer.parseInt(System.getenv().getOrDefault("RUNS", "3"));
      double[] walls = new double[runs];
      double[] cpus = new double[runs];
      double[] serverCpus = new double[runs];
      boolean allGood = true;
      for (int r = 0; r < runs; r++) {
        dns.resetCounts();
        https.served.set(0);
        java.lang.management.OperatingSystemMXBean os =
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long serversBefore = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        Timed t = check(config, trust, System.getenv().getOrDefault("MAILASSURE_JAVA_OPTS", ""));
        // The loopback servers' CPU over the same time (this JVM: the DNS and HTTPS servers, their
        // TLS signatures), which shares the machine's cores with mailassure.
        double servers =
            (((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() - serversBefore)
                / 1e9;
        walls[r] = t.wallSeconds();
        cpus[r] = t.cpuSeconds();
        serverCpus[r] = servers;
        allGood &= t.exitCode() == 0;
        System.out.printf(
            "run %d\t%d\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d\t%d%n",
            r + 1,
            n,
            t.wallSeconds(),
            t.cpuSeconds(),
            servers,
            dns.questions(),
            dns.mostAskedQuestion(),
            https.served.get(),
            t.exitCode());
      }
      System.out.printf(
          "median\t%d\t%.2f\t%.2f\t%.2f\t-\t-\t-\t%s%n",
          n, median(walls), median(cpus), median(serverCpus), allGood ? "all 0" : "not all 0");
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }
}
