package org.mailassure.boot;

import java.lang.reflect.InvocationTargetException;

/**
 * The main class that {@code bin/mailassure} starts: it makes the installation's {@link
 * ApplicationClassLoader} and runs {@code org.mailassure.Main} in it. mailassure's classes are thus
 * loaded by a loader that can take in {@code lib/graph/} later, while the JVM keeps its own
 * application class loader (and the class-data sharing archive that serves it).
 */
public final class Boot {
  private Boot() {}

  public static void main(String[] args) throws Throwable {
    ApplicationClassLoader loader =
        ApplicationClassLoader.ofInstallation(Boot.class.getClassLoader());
    useInstalledSqliteLibrary(loader.lib());
    run(loader, "org.mailassure.Main", args);
  }

  /**
   * Runs {@code mainClass}'s {@code main} from {@code loader}, with that loader as the thread's
   * context loader; what {@code main} throws is thrown as it is.
   */
  static void run(ApplicationClassLoader loader, String mainClass, String[] args) throws Throwable {
    Thread.currentThread().setContextClassLoader(loader);
    // Reflection, not a method handle: Java 17 calls it without spinning the method-handle
    // classes a bare --version would otherwise make first.
    try {
      Class.forName(mainClass, true, loader)
          .getMethod("main", String[].class)
          .invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * Points SQLite's JDBC driver at {@code lib/native/Linux/ARCH/libsqlitejdbc.so}, installed with
   * the rest, so it never copies its library to a temporary directory and loads it from there. On
   * an architecture without a library there, the driver's own search is also confined to that
   * root-owned directory ({@code org.sqlite.tmpdir}), so it fails rather than load from /tmp.
   */
  static void useInstalledSqliteLibrary(java.nio.file.Path lib) {
    java.nio.file.Path natives = lib.resolve("native");
    String arch =
        switch (System.getProperty("os.arch", "")) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch64";
          default -> System.getProperty("os.arch", "");
        };
    java.nio.file.Path dir = natives.resolve("Linux").resolve(arch);
    System.setProperty("org.sqlite.lib.path", dir.toString());
    System.setProperty("org.sqlite.lib.name", "libsqlitejdbc.so");
    System.setProperty("org.sqlite.tmpdir", natives.toString());
  }
}
