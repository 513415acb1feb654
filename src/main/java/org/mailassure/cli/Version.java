package org.mailassure.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * mailassure's version: its jar's {@code Implementation-Version}, else a resource filtered at build
 * time.
 */
public final class Version {
  private static final String VERSION = load();

  private Version() {}

  public static String get() {
    return VERSION;
  }

  /**
   * What {@code mailassure --version} prints. Here, in a class that needs nothing of picocli's, so
   * that a bare {@code --version} opens no jar but mailassure's own.
   */
  public static String line() {
    return "mailassure " + VERSION;
  }

  private static String load() {
    // The jar's manifest, which the class loader already holds; the resource where there is no
    // jar (the build's classes directory).
    String fromJar = Version.class.getPackage().getImplementationVersion();
    if (fromJar != null) {
      return fromJar;
    }
    try (InputStream in = Version.class.getResourceAsStream("/mailassure-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}
