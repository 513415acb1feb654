import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says of a process the benchmark started: memory and CPU. */
final class Proc {
  private Proc() {}

  /** A /proc/PID/status field in kB (VmRSS, VmHWM), as MiB. */
  static double status(long pid, String field) throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith(field + ":")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  /** User plus system CPU seconds so far (/proc/PID/stat, in clock ticks of 1/100 s). */
  static double cpuSeconds(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }
}
