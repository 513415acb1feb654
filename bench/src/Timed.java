import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mailassure.testing.Installed;

/**
 * Runs bin/mailassure as a separate process, as users run it, and reads its wall and CPU (user +
 * system) seconds from bash's {@code time}, so the benchmark's own servers are not counted.
 */
record Timed(int exitCode, double wallSeconds, double cpuSeconds) {
  static Timed run(String... args) throws Exception {
    return run(java.util.Map.of(), args);
  }

  /** The same, with more environment variables for the launcher (MAILASSURE_JAVA_OPTS, ...). */
  static Timed run(java.util.Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                "-c",
                "TIMEFORMAT='%R %U %S'; time \"$0\" \"$@\" >/dev/null 2>&1",
                Installed.launcher().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    int rc = p.waitFor();
    String[] t = err.substring(err.lastIndexOf('\n') + 1).trim().split("\\s+");
    return new Timed(
        rc, Double.parseDouble(t[0]), Double.parseDouble(t[1]) + Double.parseDouble(t[2]));
  }
}
