package org.mailassure.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the config file as SPEC.md orders it: {@code -c FILE}, then {@code $MAILASSURE_CONFIG},
 * then {@code ./mailassure.yaml}, then {@code /etc/mailassure/mailassure.yaml}.
 */
public final class ConfigLocator {
  public static final Path SYSTEM_CONFIG = Path.of("/etc/mailassure/mailassure.yaml");

  private ConfigLocator() {}

  /**
   * The file to read; when nothing exists, the first candidate, so the error names it.
   *
   * @param systemConfig the last place looked: {@link #SYSTEM_CONFIG}, except in tests
   */
  public static Path locate(
      Path explicit, Map<String, String> env, Path workingDir, Path systemConfig) {
    if (explicit != null) {
      return explicit;
    }
    String fromEnv = env.get("MAILASSURE_CONFIG");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    Path local = workingDir.resolve("mailassure.yaml");
    if (Files.exists(local)) {
      return local;
    }
    String credentials = env.get("CONFIGURATION_DIRECTORY");
    if (credentials != null && !credentials.isBlank()) {
      Path systemd = Path.of(credentials.split(":")[0], "mailassure.yaml");
      if (Files.exists(systemd)) {
        return systemd;
      }
    }
    return Files.exists(systemConfig) ? systemConfig : Path.of("mailassure.yaml");
  }

  /**
   * Whether {@link #locate} found nothing: no file was named ({@code -c} or {@code
   * $MAILASSURE_CONFIG}) and {@code located}, its answer, does not exist.
   */
  public static boolean noneFound(
      Path explicit, Map<String, String> env, Path workingDir, Path located) {
    String fromEnv = env.get("MAILASSURE_CONFIG");
    return explicit == null
        && (fromEnv == null || fromEnv.isBlank())
        && !Files.exists(workingDir.resolve(located));
  }

  /**
   * What to say when no file was named and none is found where {@link #locate} looks: every place
   * looked, and where to start from.
   */
  public static String noneFound(Map<String, String> env, Path workingDir, Path systemConfig) {
    StringBuilder looked = new StringBuilder();
    looked.append(workingDir.resolve("mailassure.yaml"));
    String configurationDirectory = env.get("CONFIGURATION_DIRECTORY");
    if (configurationDirectory != null && !configurationDirectory.isBlank()) {
      looked.append(", ").append(Path.of(configurationDirectory.split(":")[0], "mailassure.yaml"));
    }
    looked.append(" and ").append(systemConfig);
    return "no config file: none was named with -c FILE or $MAILASSURE_CONFIG, and there is none at "
        + looked
        + "; create "
        + systemConfig
        + " (or one of the others) from "
        + ExampleConfig.path()
        + ", or name one with -c FILE";
  }
}
