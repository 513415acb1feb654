package org.mailassure.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback set up in code (no XML to parse at start-up): readable lines on stderr, never stdout;
 * under systemd ({@code JOURNAL_STREAM} set) without timestamps, since the journal adds its own.
 * {@code --verbose} turns on debug lines for mailassure and info for its libraries.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  /** Set by the CLI before anything logs. */
  static final String VERBOSE_PROPERTY = "mailassure.verbose";

  /** The line layout: the journal stamps time and unit itself, a terminal needs the time. */
  static LogLayout layout(LoggerContext context, boolean underJournal) {
    LogLayout layout = new LogLayout(underJournal);
    layout.setContext(context);
    layout.start();
    return layout;
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

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    boolean journal = System.getenv("JOURNAL_STREAM") != null;
    boolean verbose = Boolean.getBoolean(VERBOSE_PROPERTY);
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout(context, journal));
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
