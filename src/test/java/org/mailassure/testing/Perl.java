package org.mailassure.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The independent implementations written in Perl that the differential tests ask (Mail::SPF,
 * Mail::DKIM), through Debian's /usr/bin/perl and the helper scripts under src/test/resources.
 */
public final class Perl {
  private static final Path PERL = Path.of("/usr/bin/perl");

  private Perl() {}

  /** Skips the test, naming the Debian package, unless perl can load the module. */
  public static void assumeModule(String module, String debianPackage)
      throws IOException, InterruptedException {
    Scripts.assume(PERL, List.of("-M" + module, "-e", "1"), debianPackage);
  }

  /**
   * Mail::SPF's check_host() result for each domain, for mail from {@code ip}, asking only the DNS
   * server at {@code dnsAddress} (host:port on loopback).
   */
  public static Map<String, String> mailSpf(
      String dnsAddress, String ip, java.util.Collection<String> domains)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(port(dnsAddress), ip));
    args.addAll(domains);
    return Scripts.tabbed(run(null, "mailspf_check.pl", args.toArray(String[]::new)));
  }

  /** The port of a host:port address. */
  public static String port(String dnsAddress) {
    return dnsAddress.substring(dnsAddress.lastIndexOf(':') + 1);
  }

  /**
   * The output lines of src/test/resources/SCRIPT run with the arguments, its standard input read
   * from a file, or empty when {@code input} is null; fails the test when the script fails.
   */
  public static List<String> run(Path input, String script, String... args)
      throws IOException, InterruptedException {
    return Scripts.run(PERL, input, script, args);
  }
}
