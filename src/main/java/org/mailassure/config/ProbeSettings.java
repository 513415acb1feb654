package org.mailassure.config;

import java.time.Duration;
import java.time.ZoneId;

/**
 * When and how probes are sent. Immutable.
 *
 * @param schedule the parsed five-field UNIX cron expression
 * @param scheduleText the expression as written
 * @param smtp the relay settings shared by all domains (a domain may override them)
 */
public record ProbeSettings(
    CronExpression schedule,
    String scheduleText,
    ZoneId timeZone,
    Duration catchUp,
    TransportKind transport,
    String subject,
    RetryPolicy retry,
    SmtpSettings smtp) {

  public static final String DEFAULT_SUBJECT = "Email security probe from {domain} at {time}";

  /** The ways a probe can leave. */
  public enum TransportKind implements ConfigNamed {
    GRAPH("graph"),
    SMTP("smtp");

    private final String configName;

    TransportKind(String configName) {
      this.configName = configName;
    }

    @Override
    public String configName() {
      return configName;
    }
  }
}
