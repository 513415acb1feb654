package org.mailassure.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.schedule.Daemon;
import org.mailassure.schedule.StateLock;
import org.mailassure.schedule.Waiter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mailassure run}: the daemon. One instance per state-dir (a lock naming its pid); SIGTERM
 * and SIGINT finish the send in flight and exit 0; SIGHUP loads the config again, keeping the
 * running one if the new one is invalid.
 */
@Command(
    name = "run",
    footerHeading = "%nExamples:%n",
    footer = {"  mailassure run", "  systemctl start mailassure    (the unit runs it)"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped by SIGTERM or SIGINT",
      "2:config error, or state-dir locked or unusable"
    },
    mixinStandardHelpOptions = true,
    description =
        "The daemon: send each domain's probe at every slot of probe.schedule and, in reply"
            + " mode, answer the assessment service every rule.poll, until stopped. "
            + "SIGTERM/SIGINT stop it after the send in flight; SIGHUP reloads the config.")
final class RunCommand implements Callable<Integer> {
  private final Context ctx;
  @Mixin ConfigOptions options;

  RunCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(options.verbose));
    Config config = ConfigSource.load(ctx, options);
    java.util.Set<String> only =
        ConfigSource.select(config, options).stream()
            .map(DomainSettings::name)
            .collect(java.util.stream.Collectors.toSet());
    StateLock lock;
    try {
      lock = StateLock.acquire(config.stateDir(), ProcessHandle.current().pid());
    } catch (StateLock.HeldException | org.mailassure.state.StateDir.UnsafeException e) {
      throw new ConfigSource.UsageError(e.getMessage());
    } catch (IOException e) {
      throw new ConfigSource.UsageError(
          "state-dir "
              + config.stateDir()
              + " cannot be used ("
              + e.getMessage()
              + "); create it for this user or set state-dir");
    }
    try (lock) {
      GraphSession graph = new GraphSession(ctx);
      Daemon daemon =
          new Daemon(
                  config,
                  ctx.clock(),
                  Waiter.system(ctx.clock()),
                  graph::transport,
                  () -> ConfigSource.load(ctx, options),
                  Version.get())
              .repliers(graph::agent)
              .only(options.domains.isEmpty() ? java.util.Set.of() : only);
      ctx.signals().on("TERM", daemon::stop);
      ctx.signals().on("INT", daemon::stop);
      String hangup = Signals.hangupNote(ctx.env(), procStatus());
      ctx.signals().on("HUP", daemon::reload);
      if (hangup != null) {
        org.slf4j.LoggerFactory.getLogger(RunCommand.class).warn("{}", hangup);
      }
      org.slf4j.LoggerFactory.getLogger(RunCommand.class)
          .info(
              "mailassure {} running: {}, schedule \"{}\" {}; {}",
              Version.get(),
              domainsInWords(
                  config.domains().stream()
                      .filter(DomainSettings::probe)
                      .filter(d -> options.domains.isEmpty() || only.contains(d.name()))
                      .count()),
              config.probe().scheduleText(),
              config.probe().timeZone(),
              replyNote(config, only));
      daemon.run();
    }
    return ExitCode.OK;
  }

  /** What the daemon does about the assessment service's messages, for its first log line. */
  private String replyNote(Config config, java.util.Set<String> only) {
    if (!config.rule().replies()) {
      return "rule.action forward: the inbox rules answer";
    }
    if (config.graph() == null) {
      return "rule.action reply, but no graph section: nothing is answered";
    }
    long n =
        config.replying().stream()
            .filter(d -> options.domains.isEmpty() || only.contains(d.name()))
            .count();
    return "replying from "
        + org.mailassure.text.Words.count(n, "mailbox", "mailboxes")
        + " every "
        + org.mailassure.graph.GraphErrors.words(config.rule().poll());
  }

  /** This process's {@code /proc/self/status}, or null where there is none. */
  private static String procStatus() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String domainsInWords(long n) {
    return n == 1 ? "1 domain" : n + " domains";
  }
}
