package org.mailassure.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailassure.testing.Python.pick;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.testing.Python;

/**
 * Probes as mailassure composes them, with subjects drawn at random (a fixed seed) from what
 * configs may hold, read by Python's own email package (the standard library's RFC 5322 and RFC
 * 2047 parser, independent of mailassure): it must find no defect in the message or any field, no
 * line over RFC 5322 section 2.1.1's 998 characters, a Date it can read, and must decode the
 * Subject to exactly the configured text with {domain} and {time} filled in, as a mail client would
 * show it.
 */
class PythonEmailReadsProbesTest {
  private static final int MESSAGES = 300;

  /** How {time} is written in a subject (README, "Configuration": the slot, with its offset). */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx", Locale.ROOT);

  @TempDir Path dir;

  private static String subject(Random r) {
    return switch (r.nextInt(13)) {
      case 0 -> "Email security probe from {domain} at {time}";
      case 1 -> "Prüfung der E-Mail-Sicherheit für {domain}";
      case 2 -> "Probe\tfrom {domain}";
      case 3 -> "x".repeat(1 + r.nextInt(400));
      case 4 -> "A long subject that goes on ".repeat(1 + r.nextInt(8)) + "{domain}";
      case 5 -> "=?utf-8?q?looks_encoded?= {domain}";
      case 6 -> "semi; colon: quoted \"words\" (comment) <angle> {time}";
      case 7 -> "Émoji 📨 probe {time} " + "ü".repeat(r.nextInt(60));
      case 8 -> "two  spaces and   three {domain}";
      case 9 -> "a" + " ".repeat(1 + r.nextInt(3)) + "b".repeat(70 + r.nextInt(20)) + " c";
      case 10 -> "word ".repeat(r.nextInt(40)) + "end";
      case 11 -> "  leading and trailing spaces  ";
      default -> "Probe =? not encoded ?= {domain}";
    };
  }

  @Test
  void pythonsEmailPackageReadsEveryRandomProbeWithoutDefectsAndItsSubjectAsConfigured()
      throws Exception {
    Python.assumeModules("email.policy", "python3");
    Random r = new Random(Long.getLong("probe.seed", 20261207L));
    List<byte[]> messages = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      String domain = pick(r, "example.gov.uk", "a-b.example.gov.uk", "x1.police.uk");
      String template = subject(r);
      Instant slot =
          Instant.parse("2026-03-29T00:00:00Z").plus(Duration.ofMinutes(r.nextInt(600_000)));
      ZoneId zone = ZoneId.of(pick(r, "Europe/London", "UTC", "Asia/Kolkata", "America/St_Johns"));
      messages.add(
          ProbeMessage.compose(
              domain,
              "secureemailreply@" + domain,
              "emailsecurity@domaininformation.service.gov.uk",
              template,
              slot,
              slot.plusSeconds(r.nextInt(3600)),
              zone,
              "test"));
      expected.add(
          template.replace("{domain}", domain).replace("{time}", TIME.format(slot.atZone(zone))));
    }
    StringBuilder lines = new StringBuilder();
    for (byte[] m : messages) {
      lines.append(Base64.getEncoder().encodeToString(m)).append('\n');
    }
    List<String> read =
        Python.run(Files.writeString(dir.resolve("messages.txt"), lines), "email_read.py");
    assertThat(read).hasSize(MESSAGES);

    Map<String, String> wrong = new LinkedHashMap<>();
    for (int i = 0; i < MESSAGES; i++) {
      String[] fields = read.get(i).split("\t", 2);
      String subject = new String(Base64.getDecoder().decode(fields[0]), StandardCharsets.UTF_8);
      if (!fields[1].equals("-") || !subject.equals(expected.get(i))) {
        wrong.put(
            expected.get(i),
            "Python read the Subject as '"
                + subject
                + "', defects: "
                + fields[1]
                + "\n"
                + new String(messages.get(i), StandardCharsets.US_ASCII));
      }
    }
    wrong.forEach((k, v) -> System.out.println(k + " => " + v));
    assertThat(wrong).isEmpty();
  }
}
