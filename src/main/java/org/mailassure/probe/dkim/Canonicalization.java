package org.mailassure.probe.dkim;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * The DKIM canonicalization algorithms of RFC 6376 section 3.4. mailassure signs with
 * relaxed/relaxed; the verifier also reads simple. Stateless.
 */
public enum Canonicalization {
  /** RFC 6376 section 3.4.1 (headers) and 3.4.3 (body). */
  SIMPLE {
    @Override
    public String header(String rawField) {
      return rawField;
    }

    @Override
    public byte[] body(byte[] body) {
      int end = withoutTrailingEmptyLines(body);
      if (end == 0) {
        return new byte[] {'\r', '\n'};
      }
      byte[] out = new byte[end];
      System.arraycopy(body, 0, out, 0, end);
      return endWithCrlf(out);
    }
  },

  /**
   * RFC 6376 section 3.4.2 (headers) and 3.4.4 (body, with erratum 3192: an empty body stays
   * empty).
   */
  RELAXED {
    @Override
    public String header(String rawField) {
      int colon = rawField.indexOf(':');
      String name = rawField.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = rawField.substring(colon + 1).replace("\r\n", "");
      value = collapseWhitespace(value).strip();
      return name + ":" + value;
    }

    @Override
    public byte[] body(byte[] body) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
      int lineStart = 0;
      int pendingEmpty = 0;
      while (lineStart < body.length) {
        int lineEnd = indexOfCrlf(body, lineStart);
        int contentEnd = lineEnd < 0 ? body.length : lineEnd;
        byte[] line = relaxLine(body, lineStart, contentEnd);
        if (line.length == 0) {
          pendingEmpty++;
        } else {
          for (; pendingEmpty > 0; pendingEmpty--) {
            out.write('\r');
            out.write('\n');
          }
          out.writeBytes(line);
          out.write('\r');
          out.write('\n');
        }
        lineStart = lineEnd < 0 ? body.length : lineEnd + 2;
      }
      return out.toByteArray();
    }
  };

  /**
   * The canonical form of one header field (name, colon, value; folding CRLFs included), without
   * the final CRLF.
   */
  public abstract String header(String rawField);

  /** The canonical form of a body (all line ends already CRLF). */
  public abstract byte[] body(byte[] body);

  /** The value of the {@code c=} tag for a header/body pair. */
  public static String tag(Canonicalization header, Canonicalization body) {
    return header.name().toLowerCase(Locale.ROOT) + "/" + body.name().toLowerCase(Locale.ROOT);
  }

  /** Parses one half of a {@code c=} tag; null when unknown. */
  public static Canonicalization fromTag(String half) {
    return switch (half.strip().toLowerCase(Locale.ROOT)) {
      case "simple" -> SIMPLE;
      case "relaxed" -> RELAXED;
      default -> null;
    };
  }

  private static String collapseWhitespace(String s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean inSpace = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t') {
        inSpace = true;
      } else {
        if (inSpace) {
          b.append(' ');
          inSpace = false;
        }
        b.append(c);
      }
    }
    if (inSpace) {
      b.append(' ');
    }
    return b.toString();
  }

  private static byte[] relaxLine(byte[] body, int from, int to) {
    ByteArrayOutputStream line = new ByteArrayOutputStream(to - from);
    boolean inSpace = false;
    for (int i = from; i < to; i++) {
      byte c = body[i];
      if (c == ' ' || c == '\t') {
        inSpace = true;
      } else {
        if (inSpace) {
          line.write(' ');
          inSpace = false;
        }
        line.write(c);
      }
    }
    return line.toByteArray();
  }

  private static int indexOfCrlf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int withoutTrailingEmptyLines(byte[] body) {
    int end = body.length;
    while (end >= 2
        && body[end - 2] == '\r'
        && body[end - 1] == '\n'
        && (end == 2 || (end >= 4 && body[end - 4] == '\r' && body[end - 3] == '\n'))) {
      end -= 2;
    }
    return end;
  }

  private static byte[] endWithCrlf(byte[] b) {
    if (b.length >= 2 && b[b.length - 2] == '\r' && b[b.length - 1] == '\n') {
      return b;
    }
    byte[] out = new byte[b.length + 2];
    System.arraycopy(b, 0, out, 0, b.length);
    out[b.length] = '\r';
    out[b.length + 1] = '\n';
    return out;
  }
}
