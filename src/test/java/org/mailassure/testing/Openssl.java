package org.mailassure.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * OpenSSL's s_client (Debian's openssl), an independent TLS client and X.509 path and name
 * verifier, asked what it makes of a loopback server's certificate.
 */
public final class Openssl {
  private static final Path OPENSSL = Path.of("/usr/bin/openssl");

  private Openssl() {}

  /** Skips the test unless openssl is installed. */
  public static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed");
  }

  /**
   * The "Verification" line openssl s_client prints for the server on 127.0.0.1:PORT, trusting the
   * CA file only, with the further options (-starttls smtp, -verify_hostname NAME, ...).
   */
  public static String verdict(int port, Path caFile, String... options) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                OPENSSL.toString(),
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-CAfile",
                caFile.toString(),
                "-brief"));
    command.addAll(List.of(options));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.lines()
        .filter(l -> l.startsWith("Verification"))
        .findFirst()
        .orElse("no verification line: " + out);
  }
}
