package org.mailassure.cli;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.mailassure.secrets.Secrets;

/** Logback's {@code %msg} with every secret masked ({@link Secrets#redact}): {@code %rmsg}. */
public final class RedactingMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return Secrets.redact(super.convert(event));
  }
}
