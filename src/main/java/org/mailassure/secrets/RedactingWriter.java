package org.mailassure.secrets;

import java.io.IOException;
import java.io.Writer;

/**
 * A writer that passes whole lines through {@link Secrets#redact} before they reach the one it
 * wraps, so a secret split across two writes is still whole when it is looked for. What is left of
 * a line is written on flush and close. Every control character but newline and tab becomes {@code
 * ?}: text from a server or a file (an SMTP reply, a Graph error, an MTA-STS policy, a file name)
 * can neither recolour the terminal, set its title, nor return the cursor to overwrite what
 * mailassure printed.
 */
public final class RedactingWriter extends Writer {
  private final Writer out;
  private final StringBuilder line = new StringBuilder();

  public RedactingWriter(Writer out) {
    this.out = out;
  }

  @Override
  public synchronized void write(char[] buf, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      line.append(control(buf[i]) ? '?' : buf[i]);
      if (buf[i] == '\n') {
        out.write(Secrets.redact(line.toString()));
        line.setLength(0);
      }
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    if (line.length() > 0) {
      out.write(Secrets.redact(line.toString()));
      line.setLength(0);
    }
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    flush();
    out.close();
  }

  /** C0 controls but newline and tab, DEL, and the C1 controls (U+0080 to U+009F). */
  public static boolean control(char c) {
    return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
  }
}
