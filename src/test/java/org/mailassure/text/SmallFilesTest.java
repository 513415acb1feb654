package org.mailassure.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SmallFiles} reads through {@code java.io} for speed; the JDK's {@code Files.readString}
 * and {@code Files.readAllBytes} are the answers it is held to, on random files (seed printed).
 */
class SmallFilesTest {
  @TempDir Path dir;

  private final long seed = new Random().nextLong();
  private final Random random = new Random(seed);

  /** Mostly US-ASCII text, sometimes with bytes beyond it: UTF-8 sequences, whole or broken. */
  private byte[] randomFile() {
    byte[] bytes = new byte[random.nextInt(3_000)];
    for (int j = 0; j < bytes.length; j++) {
      bytes[j] = (byte) random.nextInt(128);
    }
    if (random.nextInt(3) == 0 && bytes.length > 3) {
      int at = random.nextInt(bytes.length - 3);
      switch (random.nextInt(4)) {
        case 0 -> bytes[at] = (byte) (0x80 + random.nextInt(128)); // any high byte
        case 1 -> { // the UTF-8 form of U+FFFD itself
          bytes[at] = (byte) 0xEF;
          bytes[at + 1] = (byte) 0xBF;
          bytes[at + 2] = (byte) 0xBD;
        }
        case 2 -> { // a valid two-byte sequence (é)
          bytes[at] = (byte) 0xC3;
          bytes[at + 1] = (byte) 0xA9;
        }
        default -> bytes[bytes.length - 1] = (byte) 0xE2; // a sequence cut short at the end
      }
    }
    return bytes;
  }

  private static String read(Path file, boolean ascii) throws java.io.IOException {
    return ascii ? SmallFiles.readAscii(file, 1 << 20) : SmallFiles.readUtf8(file, 1 << 20);
  }

  private void holdsToTheJdk(Charset charset, boolean ascii) throws Exception {
    Path file = dir.resolve("file.pem");
    int failures = 0;
    for (int i = 0; i < 2_000; i++) {
      Files.write(file, randomFile());
      String expected;
      try {
        expected = Files.readString(file, charset);
      } catch (CharacterCodingException e) {
        failures++;
        assertThatThrownBy(() -> read(file, ascii)).isInstanceOf(CharacterCodingException.class);
        continue;
      }
      String actual =
          ascii ? SmallFiles.readAscii(file, 1 << 20) : SmallFiles.readUtf8(file, 1 << 20);
      assertThat(actual).as("seed %d, case %d", seed, i).isEqualTo(expected);
    }
    assertThat(failures).as("cases the JDK refused").isGreaterThan(50);
  }

  @Test
  void readsUsAsciiAsTheJdksStrictReadingDoesOrFailsWhereItFails() throws Exception {
    holdsToTheJdk(StandardCharsets.US_ASCII, true);
  }

  @Test
  void readsUtf8AsTheJdksStrictReadingDoesOrFailsWhereItFails() throws Exception {
    holdsToTheJdk(StandardCharsets.UTF_8, false);
  }

  @Test
  void readsTheBytesTheJdkReadsOrRefusesAFileOverTheBoundGiven() throws Exception {
    Path file = dir.resolve("file.bin");
    int refused = 0;
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[random.nextInt(20_000)];
      random.nextBytes(bytes);
      Files.write(file, bytes);
      int max =
          random.nextBoolean() ? bytes.length + random.nextInt(2) - 1 : random.nextInt(25_000);
      byte[] all = Files.readAllBytes(file);
      if (all.length > max) {
        refused++;
        assertThatThrownBy(() -> SmallFiles.read(file, max))
            .as("seed %d, case %d", seed, i)
            .isInstanceOf(SmallFiles.TooLarge.class);
      } else {
        assertThat(SmallFiles.read(file, max)).as("seed %d, case %d", seed, i).isEqualTo(all);
      }
    }
    assertThat(refused).isGreaterThan(20);
  }

  @Test
  void aFileOverTheBoundIsNamedInUnitsAPersonReads() throws Exception {
    Path file = Files.write(dir.resolve("big"), new byte[(1 << 20) + 1]);
    assertThatThrownBy(() -> SmallFiles.read(file, 1 << 20)).hasMessage("it is over 1 MiB");
    assertThatThrownBy(() -> SmallFiles.read(file, 64 << 10)).hasMessage("it is over 64 KiB");
    assertThatThrownBy(() -> SmallFiles.read(file, 1000)).hasMessage("it is over 1000 bytes");
  }

  @Test
  void aMissingFileFailsAsTheJdkSaysSoThatTheMessageNamesWhy() {
    assertThatThrownBy(() -> SmallFiles.read(dir.resolve("absent.pem"), 100))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void aDirectoryFailsAsTheJdkSays() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Class<? extends Throwable> expected;
    try {
      Files.readAllBytes(sub);
      throw new AssertionError("the JDK read a directory");
    } catch (java.io.IOException e) {
      expected = e.getClass();
    }
    assertThatThrownBy(() -> SmallFiles.read(sub, 100)).isInstanceOf(expected);
  }
}
