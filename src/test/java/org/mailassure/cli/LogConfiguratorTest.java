package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {
  private static String format(boolean journal) {
    return format(journal, "org.mailassure.schedule.Daemon", "slot sent");
  }

  /** One INFO line as the configured layout writes it. */
  private static String format(boolean journal, String logger, String message) {
    LoggerContext context = new LoggerContext();
    LogLayout layout = LogConfigurator.layout(context, journal);
    LoggingEvent e =
        new LoggingEvent(
            "x", context.getLogger(logger), ch.qos.logback.classic.Level.INFO, message, null, null);
    e.setTimeStamp(0);
    return layout.doLayout(e);
  }

  @Test
  void underSystemdLinesCarryNoTimestampOfTheirOwn() {
    assertThat(format(true)).isEqualTo("INFO  Daemon: slot sent\n");
  }

  @Test
  void onATerminalLinesStartWithTheTime() {
    assertThat(format(false)).matches("\\d\\d:\\d\\d:\\d\\d INFO  slot sent\\n");
  }

  @Test
  void librariesAreSilentUnlessVerboseWhileMailassureSpeaksAtInfo() {
    LoggerContext quiet = new LoggerContext();
    LogConfigurator.levels(quiet, false);
    assertThat(quiet.getLogger("com.azure.identity.DefaultAzureCredential").isErrorEnabled())
        .isFalse();
    assertThat(quiet.getLogger("okhttp3.OkHttpClient").isErrorEnabled()).isFalse();
    assertThat(quiet.getLogger("org.mailassure.schedule.Daemon").isInfoEnabled()).isTrue();
    assertThat(quiet.getLogger("org.mailassure.schedule.Daemon").isDebugEnabled()).isFalse();

    LoggerContext verbose = new LoggerContext();
    LogConfigurator.levels(verbose, true);
    assertThat(verbose.getLogger("com.azure.identity.DefaultAzureCredential").isInfoEnabled())
        .isTrue();
    assertThat(verbose.getLogger("org.mailassure.schedule.Daemon").isDebugEnabled()).isTrue();
  }

  @Test
  void aSecretInALogMessageIsMasked() {
    org.mailassure.secrets.Secrets.remember("logged-secret-55555555");

    assertThat(
            format(true, "org.mailassure.probe.ProbeSender", "relay said logged-secret-55555555"))
        .isEqualTo("INFO  ProbeSender: relay said [redacted]\n");
  }

  @Test
  void textFromAServerCanNeitherDrawOnTheTerminalNorPassForALogLineOfItsOwn() {
    // A relay's or Graph's error text quoted in a message: an escape sequence and a newline
    // followed by what looks like a log line.
    String said = "550 no\u001b]0;owned\u0007\nINFO  Daemon: slot sent";

    assertThat(format(true, "org.mailassure.probe.ProbeSender", "relay said " + said))
        .isEqualTo("INFO  ProbeSender: relay said 550 no?]0;owned?\n    INFO  Daemon: slot sent\n");
  }
}
