package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.mailassure.boot.Libraries;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.graph.CredentialException;
import org.mailassure.graph.Credentials;
import org.mailassure.graph.GraphClients;
import org.mailassure.rules.MailboxRules;
import org.mailassure.rules.ObservedRule;
import org.mailassure.rules.RuleStep;
import org.mailassure.rules.RulesService;
import org.mailassure.rules.RulesService.MailboxResult;

/**
 * Shared by provision and rules: the one Graph client of a run, progress lines, and the result
 * table or JSON.
 */
final class RulesOutput {
  private RulesOutput() {}

  /** What a rules command does with the service. */
  @FunctionalInterface
  interface Operation {
    List<MailboxResult> apply(
        RulesService service, List<DomainSettings> domains, Consumer<String> progress);
  }

  /**
   * The whole of a rules command: config, mailboxes, the Graph client (exit 3 when no credential),
   * the operation, then the table or JSON and, for provision, the forwarding PowerShell.
   */
  static int execute(
      Context ctx,
      String command,
      CommonOptions options,
      boolean dryRun,
      boolean forwardingScript,
      Operation op)
      throws Exception {
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(options.verbose));
    Config config = ConfigSource.load(ctx, options);
    List<DomainSettings> domains = mailboxes(config, options);
    RulesService service;
    try {
      service = service(ctx, config);
    } catch (CredentialException | Libraries.Unavailable e) {
      String message = Cli.prefixed(command, e.getMessage() + "; nothing was changed");
      if (options.json) {
        Json.error(ctx.out(), ExitCode.UNAVAILABLE, message);
      }
      ctx.err().println(message);
      return ExitCode.UNAVAILABLE;
    }
    List<MailboxResult> results = op.apply(service, domains, progress(ctx));
    endProgress(ctx);
    String powershell =
        forwardingScript && !config.rule().replies()
            ? org.mailassure.rules.ForwardingPolicy.script(
                domains.stream().filter(DomainSettings::rule).map(DomainSettings::mailbox).toList())
            : null;
    if (options.json) {
      json(ctx, results, dryRun, powershell);
    } else {
      table(ctx, results, dryRun);
      if (powershell != null && !powershell.isEmpty()) {
        ctx.out().println();
        ctx.out().print(powershell);
      }
      ctx.out().flush();
    }
    return ExitCode.ofRules(results);
  }

  static RulesService service(Context ctx, Config config)
      throws ConfigSource.UsageError, CredentialException, Libraries.Unavailable {
    if (config.graph() == null) {
      throw new ConfigSource.UsageError(
          config.source()
              + ": inbox rules are managed through Microsoft Graph, but "
              + "there is no 'graph' section; add graph: with tenant-id and auth (see "
              + org.mailassure.config.ExampleConfig.path()
              + ")");
    }
    Libraries.require(Libraries.Group.GRAPH, "Microsoft Graph");
    var client = GraphClients.create(config.graph(), Credentials.of(config.graph(), ctx.env()));
    return new RulesService(config, new MailboxRules(client, ctx.sleeper(), ctx.clock()));
  }

  static List<DomainSettings> mailboxes(Config config, CommonOptions options)
      throws ConfigSource.UsageError {
    List<DomainSettings> d =
        ConfigSource.select(config, options).stream().filter(x -> x.mailbox() != null).toList();
    if (d.isEmpty()) {
      throw new ConfigSource.UsageError("no selected domain has a mailbox; nothing to do");
    }
    return d;
  }

  /** Progress on stderr, one line rewritten in place, only when stderr is a terminal. */
  static Consumer<String> progress(Context ctx) {
    if (!ctx.terminal()) {
      return s -> {};
    }
    // The console, not err: err turns the control characters that redraw the line into '?'.
    return s -> {
      synchronized (ctx.console()) {
        ctx.console().print("\r\u001b[K" + s);
        ctx.console().flush();
      }
    };
  }

  static void endProgress(Context ctx) {
    if (ctx.terminal()) {
      ctx.console().print("\r\u001b[K");
      ctx.console().flush();
    }
  }

  static void table(Context ctx, List<MailboxResult> results, boolean dryRun) {
    Table t = new Table("DOMAIN", "MAILBOX", "RULE", "PLAN", "DETAIL", "RESULT");
    for (MailboxResult r : results) {
      if (!r.ok() && r.steps().isEmpty()) {
        t.row(r.domain(), r.mailbox(), "-", "-", "-", "failed: " + r.error());
        continue;
      }
      if (r.steps().isEmpty()) {
        t.row(r.domain(), r.mailbox(), "-", "none", "no rule owned by mailassure", "ok");
      }
      for (RuleStep s : r.steps()) {
        t.row(
            r.domain(),
            r.mailbox(),
            id(s),
            s.verb(),
            detail(s),
            !r.ok()
                ? "failed: " + r.error()
                : !s.writes() ? "ok" : dryRun ? "planned (dry run)" : "done");
      }
    }
    t.print(ctx.out());
  }

  static String id(RuleStep s) {
    if (s instanceof RuleStep.Update u) {
      return u.id();
    } else if (s instanceof RuleStep.Unchanged u) {
      return u.id();
    } else if (s instanceof RuleStep.Delete d) {
      return d.id();
    }
    return "(new)";
  }

  static String detail(RuleStep s) {
    if (s instanceof RuleStep.Update u) {
      return u.differences().stream()
          .map(ObservedRule.Difference::toString)
          .collect(Collectors.joining("; "));
    } else if (s instanceof RuleStep.Delete d) {
      return d.why();
    } else if (s instanceof RuleStep.Create) {
      return "forward mail from the assessment address to it";
    }
    return "matches the config";
  }

  static void json(Context ctx, List<MailboxResult> results, boolean dryRun, String powershell)
      throws IOException {
    try (Json json = new Json(ctx.out())) {
      JsonGenerator g = json.g();
      g.writeStartObject();
      g.writeBooleanField("dry_run", dryRun);
      g.writeArrayFieldStart("mailboxes");
      for (MailboxResult r : results) {
        g.writeStartObject();
        g.writeStringField("domain", r.domain());
        g.writeStringField("mailbox", r.mailbox());
        g.writeBooleanField("ok", r.ok());
        g.writeStringField("error", r.error());
        g.writeArrayFieldStart("owned_rules");
        for (ObservedRule o : r.owned()) {
          g.writeStartObject();
          g.writeStringField("id", o.id());
          g.writeBooleanField("enabled", Boolean.TRUE.equals(o.enabled()));
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("plan");
        for (RuleStep s : r.steps()) {
          g.writeStartObject();
          g.writeStringField("action", s.verb());
          g.writeStringField("rule_id", s instanceof RuleStep.Create ? null : id(s));
          g.writeStringField("detail", detail(s));
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      if (powershell != null) {
        g.writeStringField("powershell", powershell);
      }
      g.writeEndObject();
    }
  }
}
