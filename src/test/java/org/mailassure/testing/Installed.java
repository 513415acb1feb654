package org.mailassure.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The installed layout that {@code mvn package} builds ({@code target/mailassure-VERSION/}), and
 * the command lines users start it with: {@code bin/mailassure}, and the systemd unit's {@code
 * Environment=} and {@code ExecStart=} with {@code /usr/bin/mailassure} read as that launcher. For
 * the process tests (failsafe, after package) and the benchmarks.
 */
public final class Installed {
  private static final Path UNIT = Path.of("systemd/mailassure.service");

  private Installed() {}

  private static Path runnable;

  /**
   * The layout to run: the built one, or, when a directory above the checkout can be written by a
   * group or by others (which mailassure rightly refuses to load code from), a copy of it in a
   * fresh temporary directory, so the tests pass wherever the checkout is.
   */
  public static synchronized Path home() {
    if (runnable == null) {
      Path built = built();
      runnable = safe(built) ? built : copy(built);
    }
    return runnable;
  }

  private static boolean safe(Path dir) {
    try {
      for (Path p = dir.toRealPath(); p != null; p = p.getParent()) {
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        boolean sticky = (mode & 01000) != 0;
        if (!sticky && (mode & 022) != 0) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Path copy(Path built) {
    try {
      Path to = Files.createTempDirectory("mailassure-layout-").resolve(built.getFileName());
      try (var walk = Files.walk(built)) {
        for (Path p : walk.toList()) {
          Files.copy(
              p,
              to.resolve(built.relativize(p).toString()),
              java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The build's output directory (target/), where the .deb, tarball and image are. */
  public static Path target() {
    return built().getParent();
  }

  /** The layout's top directory as built; failsafe names it, else the one under target/. */
  public static Path built() {
    String named = System.getProperty("mailassure.home");
    if (named != null) {
      return Path.of(named).toAbsolutePath();
    }
    try (var s = Files.newDirectoryStream(Path.of("target"), "mailassure-*")) {
      for (Path p : s) {
        if (Files.isExecutable(p.resolve("bin/mailassure"))) {
          return p.toAbsolutePath();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no installed layout under target/: run mvn package");
  }

  /** {@code bin/mailassure}. */
  public static Path launcher() {
    return home().resolve("bin/mailassure");
  }

  /** bin/mailassure with these arguments, as a person runs it. */
  public static ProcessBuilder command(String... args) {
    List<String> command = new ArrayList<>(List.of(launcher().toString()));
    command.addAll(Arrays.asList(args));
    return new ProcessBuilder(command);
  }

  /** The unit's ExecStart= (its launcher taken from the layout) and Environment=, then args. */
  public static ProcessBuilder asTheUnitStartsIt(String... args) throws IOException {
    String unit = Files.readString(UNIT).replace("\\\n", " ");
    String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    List<String> words =
        new ArrayList<>(Arrays.asList(exec.substring("ExecStart=".length()).trim().split("\\s+")));
    if (!words.get(0).equals("/usr/bin/mailassure")) {
      throw new IllegalStateException("the unit no longer starts /usr/bin/mailassure: " + exec);
    }
    words.set(0, launcher().toString());
    words.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(words);
    unit.lines()
        .filter(l -> l.startsWith("Environment="))
        .forEach(
            l -> {
              String kv = l.substring("Environment=".length());
              int eq = kv.indexOf('=');
              pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
            });
    return pb;
  }
}
