package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileChecks#readAscii} reads key files through {@code java.io} for speed; the JDK's {@code
 * Files.readString(file, US_ASCII)} is the answer it is held to, on random files.
 */
class ReadAsciiTest {
  @TempDir Path dir;

  private final long seed = new Random().nextLong();
  private final Random random = new Random(seed);

  @Test
  void readsEveryFileAsTheJdksStrictUsAsciiReadingDoesOrFailsWhereItFails() throws Exception {
    Path file = dir.resolve("key.pem");
    int failures = 0;
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = new byte[random.nextInt(3_000)];
      for (int j = 0; j < bytes.length; j++) {
        bytes[j] = (byte) random.nextInt(128);
      }
      if (random.nextInt(3) == 0 && bytes.length > 0) {
        // a byte outside US-ASCII, sometimes the UTF-8 form of U+FFFD itself
        int at = random.nextInt(bytes.length);
        bytes[at] = (byte) (0x80 + random.nextInt(128));
        if (random.nextBoolean() && at + 2 < bytes.length) {
          bytes[at] = (byte) 0xEF;
          bytes[at + 1] = (byte) 0xBF;
          bytes[at + 2] = (byte) 0xBD;
        }
      }
      Files.write(file, bytes);
      String expected;
      try {
        expected = Files.readString(file, StandardCharsets.US_ASCII);
      } catch (CharacterCodingException e) {
        failures++;
        assertThatThrownBy(() -> FileChecks.readAscii(file))
            .as("seed %d, case %d", seed, i)
            .isInstanceOf(CharacterCodingException.class);
        continue;
      }
      assertThat(FileChecks.readAscii(file)).as("seed %d, case %d", seed, i).isEqualTo(expected);
    }
    assertThat(failures).as("cases with a byte outside US-ASCII").isGreaterThan(100);
  }

  @Test
  void aMissingFileFailsAsTheJdkSaysSoThatTheMessageNamesWhy() {
    assertThatThrownBy(() -> FileChecks.readAscii(dir.resolve("absent.pem")))
        .isInstanceOf(NoSuchFileException.class);
  }
}
