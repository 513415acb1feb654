package org.mailassure.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped unit is hardened to an exposure of 1.5 or less, and keeps the JVM able to run. */
class SystemdUnitTest {
  private static final Path UNIT = Path.of("systemd/mailassure.service");

  @Test
  void systemdAnalyzeScoresTheUnitAt1Point5OrLower() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
        "systemd-analyze is not installed");
    Process p =
        new ProcessBuilder("systemd-analyze", "security", "--offline=true", UNIT.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Matcher m =
        Pattern.compile("Overall exposure level for mailassure.service: ([0-9.]+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isLessThanOrEqualTo(1.5);
  }

  @Test
  void theUnitAvoidsSettingsTheJvmCannotRunUnder() throws Exception {
    String unit = Files.readString(UNIT);
    assertThat(unit)
        .doesNotContainPattern("(?m)^MemoryDenyWriteExecute=")
        .doesNotContainPattern("(?m)^ProcSubset=pid");
    assertThat(unit)
        .contains(
            "User=mailassure",
            "Group=mailassure",
            "StateDirectory=mailassure",
            "Restart=on-failure",
            "Environment=MAILASSURE_JVM=service",
            "ExecStart=/usr/bin/mailassure run");
    // No cache directory: no code is ever loaded from a place the service can write.
    assertThat(unit).doesNotContain("CacheDirectory=", "DynamicUser=");
  }
}
