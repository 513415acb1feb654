package org.mailassure.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The independent implementations the differential tests ask (pyspf, dkimpy), through Debian's
 * /usr/bin/python3 and the helper scripts under src/test/resources.
 */
public final class Python {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private Python() {}

  /** Skips the test, naming the Debian package, unless python3 can import the modules. */
  public static void assumeModules(String modules, String debianPackage)
      throws IOException, InterruptedException {
    Scripts.assume(PYTHON, List.of("-c", "import " + modules), debianPackage);
  }

  /**
   * The output lines of src/test/resources/SCRIPT run with the arguments, its standard input read
   * from a file (not a pipe written while its answers pile up unread in the other), or empty when
   * {@code input} is null; fails the test, showing the output, when the script fails.
   */
  public static List<String> run(Path input, String script, String... args)
      throws IOException, InterruptedException {
    return Scripts.run(PYTHON, input, script, args);
  }

  /**
   * pyspf's check_host() result for each domain, for mail from {@code ip}, asking the DNS server at
   * {@code dnsAddress} (host:port on loopback).
   */
  public static java.util.Map<String, String> pyspf(
      String dnsAddress, String ip, java.util.Collection<String> domains)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(List.of(dnsAddress.substring(dnsAddress.indexOf(':') + 1), ip));
    args.addAll(domains);
    return Scripts.tabbed(run(null, "pyspf_check.py", args.toArray(String[]::new)));
  }

  /** One of the choices, drawn from the test's seeded generator. */
  public static String pick(Random r, String... choices) {
    return choices[r.nextInt(choices.length)];
  }
}
