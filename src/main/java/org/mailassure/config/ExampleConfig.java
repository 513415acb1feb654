package org.mailassure.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the commented example config is on this machine, for the messages that send an admin to it:
 * the layout's {@code etc/mailassure.example.yaml} (the .tar.gz), the package's copy under {@code
 * /usr/share/doc/mailassure/examples} (the .deb, whose {@code /etc/mailassure} copy is the admin's
 * to edit), the container image's in {@code /etc/mailassure}, or, for a build run from its source
 * tree, {@code config/mailassure.example.yaml} there.
 */
public final class ExampleConfig {
  private static final String NAME = "mailassure.example.yaml";

  private ExampleConfig() {}

  /** The example's path, as a message should name it. */
  public static String path() {
    for (Path p : candidates()) {
      if (p != null && Files.isRegularFile(p)) {
        return p.toString();
      }
    }
    return "config/" + NAME + " in mailassure's source";
  }

  private static Path[] candidates() {
    return new Path[] {
      installationHome() == null ? null : installationHome().resolve("etc").resolve(NAME),
      Path.of("/usr/share/doc/mailassure/examples", NAME),
      Path.of("/etc/mailassure", NAME)
    };
  }

  /** The directory above the one holding mailassure's jar ({@code lib/}), if it can be told. */
  private static Path installationHome() {
    try {
      java.security.CodeSource source = ExampleConfig.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        return null;
      }
      Path jar = Path.of(source.getLocation().toURI());
      Path lib = jar.getParent();
      return lib == null ? null : lib.getParent();
    } catch (java.net.URISyntaxException | IllegalArgumentException | SecurityException e) {
      return null;
    }
  }
}
