package org.mailassure.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.mailassure.secrets.Secrets;

/**
 * Logback set up in code (no XML to parse at start-up): readable lines on stderr, never stdout;
 * under systemd ({@code JOURNAL_STREAM} set) without timestamps, since the journal adds its own.
 * {@code --verbose} turns on debug lines for mailassure and info for its libraries.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  /** Set by the CLI before anything logs. */
  static final String VERBOSE_PROPERTY = "mailassure.verbose";

  /** The line format: the journal stamps time and unit itself, a terminal needs the time. */
  static String pattern(boolean underJournal) {
    return underJournal
        ? "%-5level %logger{0}: %rmsg%n%nopex"
        : "%d{HH:mm:ss} %-5level %rmsg%n%nopex";
  }

  /**
   * mailassure's own lines at info (debug with {@code -v}); the libraries' (Azure SDK, Graph SDK,
   * OkHttp, SubEthaSMTP) only with {@code -v}: mailassure reports their failures itself, in words,
   * and without it a Graph outage printed dozens of SDK errors and stack traces.
   */
  static void levels(LoggerContext context, boolean verbose) {
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(verbose ? Level.INFO : Level.OFF);
    context.getLogger("org.mailassure").setLevel(verbose ? Level.DEBUG : Level.INFO);
  }

  /** Makes {@code %rmsg} the message with every secret masked (see {@link Secrets}). */
  @SuppressWarnings("unchecked")
  static void registerRedaction(LoggerContext context) {
    var rules =
        (java.util.Map<String, String>)
            context.getObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY);
    if (rules == null) {
      rules = new java.util.HashMap<>();
      context.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY, rules);
    }
    rules.put("rmsg", RedactingMessageConverter.class.getName());
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    boolean journal = System.getenv("JOURNAL_STREAM") != null;
    boolean verbose = Boolean.getBoolean(VERBOSE_PROPERTY);
    registerRedaction(context);
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern(journal));
    encoder.start();
    ConsoleAppender<ILoggingEvent> err = new ConsoleAppender<>();
    err.setContext(context);
    err.setName("stderr");
    err.setTarget("System.err");
    err.setEncoder(encoder);
    err.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(err);
    levels(context, verbose);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
