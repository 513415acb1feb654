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
 * 06:00:01 INFO slot sent}. The message has every secret masked ({@link Secrets#redact}); stack
 * traces are never written (mailassure says what failed in words).
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
    line.append(Secrets.redact(event.getFormattedMessage()));
    return line.append(CoreConstants.LINE_SEPARATOR).toString();
  }
}
