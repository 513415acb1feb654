package org.mailassure.probe.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A message split the way DKIM sees it (RFC 5322 section 2.1): header fields in order, each with
 * its folding kept, and the body bytes. Line ends are normalised to CRLF first, as they will be on
 * the wire. Immutable.
 */
public record MessageParts(List<String> headerFields, byte[] body) {

  public MessageParts {
    headerFields = List.copyOf(headerFields);
  }

  /** Splits a message; bare LF line ends become CRLF. */
  public static MessageParts parse(byte[] message) {
    byte[] crlf = toCrlf(message);
    int split = -1;
    for (int i = 0; i + 3 < crlf.length; i++) {
      if (crlf[i] == '\r' && crlf[i + 1] == '\n' && crlf[i + 2] == '\r' && crlf[i + 3] == '\n') {
        split = i + 2;
        break;
      }
    }
    if (crlf.length >= 2 && crlf[0] == '\r' && crlf[1] == '\n') {
      split = 0;
    }
    String head = new String(crlf, 0, split < 0 ? crlf.length : split, StandardCharsets.ISO_8859_1);
    byte[] body = split < 0 ? new byte[0] : Arrays.copyOfRange(crlf, split + 2, crlf.length);
    List<String> fields = new ArrayList<>();
    for (String line : head.split("\r\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !fields.isEmpty()) {
        fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\r\n" + line);
      } else {
        fields.add(line);
      }
    }
    return new MessageParts(fields, body);
  }

  /** The lower-cased name of a raw header field. */
  public static String nameOf(String field) {
    int colon = field.indexOf(':');
    return (colon < 0 ? field : field.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
  }

  /**
   * The fields named by an {@code h=} list, picking each repeated name from the bottom up and
   * skipping names with no instance left (RFC 6376 section 5.4.2).
   */
  public List<String> select(List<String> names) {
    List<String> out = new ArrayList<>();
    List<String> remaining = new ArrayList<>(headerFields);
    for (String name : names) {
      String want = name.strip().toLowerCase(Locale.ROOT);
      for (int i = remaining.size() - 1; i >= 0; i--) {
        if (nameOf(remaining.get(i)).equals(want)) {
          out.add(remaining.remove(i));
          break;
        }
      }
    }
    return out;
  }

  private static byte[] toCrlf(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 64);
    for (int i = 0; i < in.length; i++) {
      if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
        out.write('\r');
      }
      out.write(in[i]);
    }
    return out.toByteArray();
  }
}
