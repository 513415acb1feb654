package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailassure.boot.Libraries;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.graph.CredentialException;
import org.mailassure.graph.Credentials;
import org.mailassure.graph.GraphClients;
import org.mailassure.graph.GraphFailure;
import org.mailassure.reply.MailboxMessages;
import org.mailassure.reply.ReplyAgent;
import org.mailassure.reply.ReplyAgent.LookResult;
import org.mailassure.state.ReplyStore;
import org.mailassure.state.StateStore;
import org.mailassure.state.StoreException;
import org.mailassure.state.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code mailassure reply}: one look at each reply-mode mailbox, answering what is new, as the
 * daemon does every {@code rule.poll}; for a scheduler, or a first test.
 */
@Command(
    name = "reply",
    footerHeading = "%nExamples:%n",
    footer = {"  mailassure reply", "  mailassure reply --domain example.gov.uk --json"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every mailbox was looked at and answered",
      "1:a look or a reply failed",
      "2:usage or config error (forward mode, no graph)",
      "3:Graph refused the app or could not be reached"
    },
    mixinStandardHelpOptions = true,
    description =
        "Look at each reply-mode mailbox once, reply to each new message from the assessment"
            + " address, and exit. The daemon (run) does this every rule.poll.")
final class ReplyCommand implements Callable<Integer> {
  private final Context ctx;
  @Mixin CommonOptions options;

  ReplyCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(options.verbose));
    Config config = ConfigSource.load(ctx, options);
    if (!config.rule().replies()) {
      throw new ConfigSource.UsageError(
          "mailassure: reply: rule.action is forward, so the inbox rule answers and mailassure"
              + " does not; set rule.action: reply to have mailassure reply");
    }
    if (config.graph() == null) {
      throw new ConfigSource.UsageError(
          "mailassure: reply: "
              + config.source()
              + " has no graph section, and replies are read and sent through Microsoft Graph;"
              + " add graph: with tenant-id and auth");
    }
    List<String> replying = config.replying().stream().map(DomainSettings::name).toList();
    List<DomainSettings> domains =
        ConfigSource.select(config, options).stream()
            .filter(d -> replying.contains(d.name()))
            .toList();
    if (domains.isEmpty()) {
      throw new ConfigSource.UsageError(
          "mailassure: reply: no selected domain has a mailbox with rule: true; nothing to do");
    }
    StateStore store;
    try {
      store = Stores.open(config, ctx.clock().instant(), false);
    } catch (StoreException e) {
      return StoreErrors.report(
          ctx,
          "reply",
          config,
          e,
          "nothing was answered, since nothing is sent that cannot be recorded",
          "make state-dir writable for this user, or free space on its disk",
          options.json);
    }
    List<LookResult> results;
    try (store) {
      MailboxMessages messages;
      try {
        Libraries.require(Libraries.Group.GRAPH, "Microsoft Graph");
        var client = GraphClients.create(config.graph(), Credentials.of(config.graph(), ctx.env()));
        messages = new MailboxMessages(client, ctx.sleeper(), ctx.clock());
      } catch (CredentialException | Libraries.Unavailable e) {
        String message = "mailassure: reply: " + e.getMessage() + "; nothing was answered";
        if (options.json) {
          Json.error(ctx.out(), ExitCode.UNAVAILABLE, message);
        }
        ctx.err().println(message);
        return ExitCode.UNAVAILABLE;
      }
      ReplyAgent agent =
          new ReplyAgent(config, messages, new ReplyStore(store), ctx.clock(), () -> false);
      results = agent.lookAll(domains);
    }
    if (options.json) {
      json(results);
    } else {
      table(results);
    }
    return exitCode(results);
  }

  /** 0 when every look worked; 3 when none reached Graph or was allowed to; else 1. */
  static int exitCode(List<LookResult> results) {
    if (results.stream().allMatch(LookResult::ok)) {
      return ExitCode.OK;
    }
    boolean noneReached =
        results.stream()
            .allMatch(
                r ->
                    r.failure() == GraphFailure.Kind.AUTHENTICATION
                        || r.failure() == GraphFailure.Kind.UNREACHABLE);
    return noneReached ? ExitCode.UNAVAILABLE : ExitCode.FAILED;
  }

  private void table(List<LookResult> results) {
    Table t = new Table("DOMAIN", "MAILBOX", "NEW", "REPLIED", "RESULT");
    for (LookResult r : results) {
      String result;
      if (r.error() != null) {
        result = "failed: " + r.error();
      } else {
        List<String> notes =
            r.answered().stream()
                .filter(a -> a.outcome() != ReplyStore.Outcome.REPLIED)
                .map(a -> a.outcome().storeName() + ": " + a.error())
                .distinct()
                .toList();
        result = notes.isEmpty() ? "ok" : String.join("; ", notes);
      }
      t.row(r.domain(), r.mailbox(), r.listed(), r.replied(), result);
    }
    t.print(ctx.out());
    long replied = results.stream().mapToLong(LookResult::replied).sum();
    ctx.out()
        .println(
            org.mailassure.text.Words.count(replied, "reply", "replies")
                + " sent from "
                + org.mailassure.text.Words.count(results.size(), "mailbox", "mailboxes"));
    ctx.out().flush();
  }

  private void json(List<LookResult> results) throws IOException {
    try (Json json = new Json(ctx.out())) {
      JsonGenerator g = json.g();
      g.writeStartObject();
      g.writeArrayFieldStart("mailboxes");
      for (LookResult r : results) {
        g.writeStartObject();
        g.writeStringField("domain", r.domain());
        g.writeStringField("mailbox", r.mailbox());
        g.writeStringField("looked_at", r.at().toString());
        g.writeBooleanField("ok", r.ok());
        g.writeStringField("error", r.error());
        g.writeNumberField("new", r.listed());
        g.writeArrayFieldStart("messages");
        for (ReplyAgent.Answered a : r.answered()) {
          g.writeStartObject();
          g.writeStringField("message_id", a.messageKey());
          g.writeStringField("subject", a.subject());
          g.writeStringField("received_at", a.received() == null ? null : a.received().toString());
          g.writeStringField("outcome", a.outcome().storeName());
          g.writeStringField("error", a.error());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }
}
