package org.mailassure.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.mailassure.secrets.Secrets;

/**
 * mailassure's log line, written directly rather than through logback's PatternLayout, whose parser
 * and converter table load some 200 classes into every process, the daemon's included. Under
 * systemd the journal stamps the time itself: {@code INFO Daemon: slot sent}; on a terminal: {@code
 * 06:00:01 INFO slot sent}. The message has every secret masked ({@link Secrets#redact}) and no
 * control character, its lines after the first indented; stack traces are never written (mailassure
 * says what failed in words).
 */
final class LogLayout extends LayoutBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final boolean underJournal;

  LogLayout(boolean underJournal) {
    this.underJournal = underJournal;
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(160);
    if (!underJournal) {
      line.append(
              TIME.format(
                  LocalTime.ofInstant(
                      Instant.ofEpochMilli(event.getTimeStamp()), ZoneId.systemDefault())))
          .append(' ');
    }
    String level = event.getLevel().toString();
    line.append(level).append(" ".repeat(Math.max(0, 5 - level.length()))).append(' ');
    if (underJournal) {
      String logger = event.getLoggerName();
      line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
    }
    line.append(plain(Secrets.redact(event.getFormattedMessage())));
    return line.append(CoreConstants.LINE_SEPARATOR).toString();
  }

  /**
   * A message as one entry: control characters (which text from a server may carry) become {@code
   * ?}, and every line after the first is indented, so that no text can pass for a log line of its
   * own (the journal keeps each line of a service's output as an entry).
   */
  static String plain(String message) {
    StringBuilder b = new StringBuilder(message.length());
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c == '\n') {
        b.append("\n    ");
      } else {
        b.append(org.mailassure.secrets.RedactingWriter.control(c) ? '?' : c);
      }
    }
    return b.toString();
  }
}
