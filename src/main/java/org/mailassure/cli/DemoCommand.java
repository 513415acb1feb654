package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.mailassure.boot.Libraries;
import org.mailassure.demo.Demo;
import org.mailassure.probe.dkim.DkimVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mailassure demo}: the probe pipeline end to end on loopback, no tenant, no config. */
@Command(
    name = "demo",
    footerHeading = "%nExamples:%n",
    footer = {"  mailassure demo", "  mailassure demo --json"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every probe arrived over TLS, signed, and the reply loop worked",
      "1:something did not",
      "3:the demo's libraries could not be added"
    },
    mixinStandardHelpOptions = true,
    description =
        "Run the whole probe pipeline on loopback: a STARTTLS relay, throwaway DKIM keys for "
            + "example domains, probes sent, received back, DKIM-verified, TLS reported; then"
            + " the reply agent answers an assessment message in a loopback Graph mailbox.")
final class DemoCommand implements Callable<Integer> {
  private final Context ctx;

  @Option(names = "--json", description = "Print one JSON document on stdout instead of a table.")
  boolean json;

  @Option(
      names = {"-v", "--verbose"},
      description = "More detail on stderr.")
  boolean verbose;

  DemoCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(verbose));
    try {
      Libraries.require(Libraries.Group.DEMO, "the demo's relay and certificates");
      Libraries.require(Libraries.Group.GRAPH, "the demo's reply agent (Microsoft Graph)");
    } catch (Libraries.Unavailable e) {
      String message = Cli.prefixed("demo", e.getMessage());
      if (json) {
        Json.error(ctx.out(), ExitCode.UNAVAILABLE, message);
      }
      ctx.err().println(message);
      return ExitCode.UNAVAILABLE;
    }
    Demo.Report report = new Demo(ctx.clock(), Version.get()).run();
    if (json) {
      json(report);
    } else {
      table(report);
    }
    return report.good() ? ExitCode.OK : ExitCode.FAILED;
  }

  private void table(Demo.Report report) {
    var out = ctx.out();
    out.println(
        "Loopback STARTTLS relay on 127.0.0.1:"
            + report.relayPort()
            + "; throwaway CA and DKIM keys.");
    Table t = new Table("DOMAIN", "DELIVERED", "TLS", "CIPHER", "DKIM", "MESSAGE-ID");
    for (Demo.Row r : report.rows()) {
      t.row(
          r.domain(),
          r.delivered() ? "yes" : "no: " + r.error(),
          r.tlsProtocol(),
          r.tlsCipher(),
          r.signatures().stream()
              .map(
                  s ->
                      s.algorithm()
                          + " "
                          + s.selector()
                          + " "
                          + (s.pass() ? "pass" : "FAIL: " + s.detail()))
              .collect(Collectors.joining(", ")),
          r.messageId());
    }
    t.print(out);
    out.println(
        report.rows().stream().allMatch(Demo.Row::good)
            ? "All probes left over TLS and every DKIM signature verified."
            : "Some probes failed; see above.");
    Demo.ReplyLoop loop = report.reply();
    out.println();
    out.println(
        "Reply agent: the assessment service wrote to "
            + loop.mailbox()
            + " (message "
            + loop.messageId()
            + ", Reply-To "
            + loop.spoofedReplyTo()
            + ").");
    if (loop.error() != null) {
      out.println("  the look failed: " + loop.error());
    } else if (loop.repliedTo().isEmpty()) {
      out.println("  no reply was sent.");
    } else {
      out.println(
          "  reply seen by the loopback Graph mailbox, to "
              + String.join(", ", loop.repliedTo())
              + ":");
      out.println("    \"" + loop.text() + "\"");
      out.println(
          "  a second look sent "
              + org.mailassure.text.Words.count(loop.secondLookReplies(), "reply", "replies")
              + (loop.secondLookReplies() == 0 ? ": each message is answered once." : "."));
    }
    out.println(
        loop.good()
            ? "The reply went to the assessment address only, whatever the Reply-To said."
            : "The reply loop did not work as it should; see above.");
    out.flush();
  }

  private void json(Demo.Report report) throws IOException {
    try (Json json = new Json(ctx.out())) {
      JsonGenerator g = json.g();
      g.writeStartObject();
      g.writeBooleanField("ok", report.good());
      g.writeArrayFieldStart("domains");
      for (Demo.Row r : report.rows()) {
        g.writeStartObject();
        g.writeStringField("domain", r.domain());
        g.writeBooleanField("delivered", r.delivered());
        g.writeStringField("tls_protocol", r.tlsProtocol());
        g.writeStringField("tls_cipher", r.tlsCipher());
        g.writeStringField("message_id", r.messageId());
        g.writeStringField("error", r.error());
        g.writeArrayFieldStart("dkim");
        for (DkimVerifier.Result s : r.signatures()) {
          g.writeStartObject();
          g.writeStringField("algorithm", s.algorithm());
          g.writeStringField("selector", s.selector());
          g.writeStringField("result", s.pass() ? "pass" : "fail");
          g.writeStringField("detail", s.detail());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      Demo.ReplyLoop loop = report.reply();
      g.writeObjectFieldStart("reply");
      g.writeBooleanField("ok", loop.good());
      g.writeStringField("mailbox", loop.mailbox());
      g.writeStringField("message_id", loop.messageId());
      g.writeStringField("reply_to_header", loop.spoofedReplyTo());
      g.writeArrayFieldStart("replied_to");
      for (String to : loop.repliedTo()) {
        g.writeString(to);
      }
      g.writeEndArray();
      g.writeStringField("text", loop.text());
      g.writeNumberField("second_look_replies", loop.secondLookReplies());
      g.writeStringField("error", loop.error());
      g.writeEndObject();
      g.writeEndObject();
    }
  }
}
