package org.mailassure.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The helper scripts under src/test/resources through which the differential tests ask independent
 * implementations (Python's and Perl's, from Debian's packages).
 */
final class Scripts {
  private Scripts() {}

  /**
   * Skips the test, naming the Debian package, unless the interpreter runs the probe command
   * (importing or loading what the test needs) successfully.
   */
  static void assume(Path interpreter, List<String> probe, String debianPackage)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(interpreter.toString()));
    command.addAll(probe);
    Assumptions.assumeTrue(
        Files.isExecutable(interpreter)
            && new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor()
                == 0,
        debianPackage + " is not installed (.ci/run installs it)");
  }

  /**
   * The output lines of src/test/resources/SCRIPT run by the interpreter with the arguments, its
   * standard input read from a file (not a pipe written while its answers pile up unread in the
   * other), or empty when {@code input} is null; fails the test, showing the output, when the
   * script fails.
   */
  static List<String> run(Path interpreter, Path input, String script, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(interpreter.toString(), "src/test/resources/" + script));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectInput(
        ProcessBuilder.Redirect.from(
            input != null ? input.toFile() : new java.io.File("/dev/null")));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError(script + " failed:\n" + out);
    }
    return out.lines().toList();
  }

  /** Lines of "key TAB value" as a map, in order; other lines are left out. */
  static java.util.Map<String, String> tabbed(List<String> lines) {
    java.util.Map<String, String> results = new java.util.LinkedHashMap<>();
    for (String line : lines) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        results.put(line.substring(0, tab), line.substring(tab + 1));
      }
    }
    return results;
  }
}
