package org.mailassure.text;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Small files read whole (a config, a key, a certificate, the passwd file), through {@code java.io}
 * rather than {@code java.nio.file.Files}: in a JVM that has just started, NIO's file channel and
 * readers cost far more than the reading itself (200 key files read in 15 ms against 4; {@code
 * /etc/passwd} in 5.4 ms against 0.7; medians of five fresh JVMs with the launcher's options), and
 * every command starts by reading such files. A file that cannot be opened is tried again through
 * NIO, whose exceptions say why ({@code AccessDeniedException}, {@code NoSuchFileException}), so
 * messages are the same either way.
 */
public final class SmallFiles {
  private SmallFiles() {}

  /**
   * Keys, certificates, trust stores and secrets are small: the config's checks refuse a larger
   * file unread, and every later reading of one is held to the same bound.
   */
  public static final int MAX_KEY_OR_SECRET_BYTES = 1 << 20;

  /** A file longer than the reader allows, refused rather than cut short. */
  public static final class TooLarge extends IOException {
    TooLarge(int max) {
      super(
          "it is over "
              + (max >= 1 << 20 && max % (1 << 20) == 0
                  ? (max >> 20) + " MiB"
                  : max >= 1 << 10 && max % (1 << 10) == 0
                      ? (max >> 10) + " KiB"
                      : max + " bytes"));
    }
  }

  /**
   * The whole file, which must be at most {@code max} bytes (many callers check its size first;
   * this holds for a file that grows meanwhile, a pipe, or a device).
   *
   * @throws TooLarge when it is longer, without reading more than one byte past {@code max}
   */
  public static byte[] read(Path file, int max) throws IOException {
    byte[] bytes;
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      bytes = in.readNBytes(max + 1);
    } catch (FileNotFoundException e) {
      // java.io's one exception for every reason: let NIO name it, or read the file if it is there.
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(max + 1);
      }
    }
    if (bytes.length > max) {
      throw new TooLarge(max);
    }
    return bytes;
  }

  /**
   * The file's text, which must be US-ASCII (a PEM key).
   *
   * @throws CharacterCodingException for a byte outside US-ASCII, as {@code Files.readString(file,
   *     US_ASCII)} would
   */
  public static String readAscii(Path file, int max) throws IOException {
    // The decoder replaces a byte outside US-ASCII with U+FFFD, which no US-ASCII byte decodes to.
    String text = new String(read(file, max), StandardCharsets.US_ASCII);
    if (text.indexOf('\uFFFD') >= 0) {
      throw new MalformedInputException(1);
    }
    return text;
  }

  /**
   * The file's text, which must be UTF-8.
   *
   * @throws CharacterCodingException for bytes that are not UTF-8, as {@code Files.readString(file,
   *     UTF_8)} would
   */
  public static String readUtf8(Path file, int max) throws IOException {
    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(read(file, max))).toString();
  }
}
