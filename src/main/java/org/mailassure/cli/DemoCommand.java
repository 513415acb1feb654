package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.mailassure.boot.Libraries;
import org.mailassure.config.ConfigException;
import org.mailassure.config.ConfigLoader;
import org.mailassure.config.ConfigOutline;
import org.mailassure.demo.Demo;
import org.mailassure.keys.DkimAlgorithm;
import org.mailassure.probe.dkim.DkimVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mailassure demo}: the probe pipeline end to end on loopback, no tenant, no config (or,
 * with -c, a config's domains).
 */
@Command(
    name = "demo",
    footerHeading = "%nExamples:%n",
    footer = {
      "  mailassure demo",
      "  mailassure demo --json",
      "  mailassure demo -c mailassure.yaml --domain example.gov.uk"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every probe arrived over TLS, signed, and the reply loop worked",
      "1:something did not",
      "2:usage error (a config that cannot be read, a --domain it does not have)",
      "3:the demo's libraries could not be added"
    },
    mixinStandardHelpOptions = true,
    description =
        "Run the whole probe pipeline on loopback: a STARTTLS relay, throwaway DKIM keys for "
            + "example domains, probes sent, received back, DKIM-verified, TLS reported; then"
            + " the reply agent answers an assessment message in a loopback Graph mailbox."
            + " With -c, for the config's domains, mailboxes and DKIM selectors (its keys and"
            + " everything else it names left alone).")
final class DemoCommand implements Callable<Integer> {
  private final Context ctx;

  @Option(names = "--json", description = "Print one JSON document on stdout instead of a table.")
  boolean json;

  @Option(
      names = {"-v", "--verbose"},
      description = "More detail on stderr.")
  boolean verbose;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Run the demo for this config's domains, mailboxes and DKIM selectors, with throwaway"
              + " keys. Default: example domains; it reads no config unless named.")
  Path config;

  @Option(names = "--domain", paramLabel = "NAME", description = "Only this domain (repeatable).")
  List<String> only = new ArrayList<>();

  /** A simple address, as a config's mailbox is taken for the demo's own config. */
  private static final Pattern MAILBOX = Pattern.compile("[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+)");

  DemoCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException, ConfigSource.UsageError {
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
    // After the libraries: Demo's classes may name theirs.
    List<Demo.Domain> domains = domains();
    Demo.Report report;
    try {
      report = new Demo(ctx.clock(), Version.get(), domains).run();
    } catch (ConfigException e) {
      if (config == null) {
        // The example domains always make a config; failing to is mailassure's own fault.
        throw new IllegalStateException(
            "the demo's own config does not load: " + e.getMessage(), e);
      }
      throw new ConfigSource.UsageError(
          "the domains of "
              + config
              + " do not make a config: "
              + e.getMessage()
              + "; run 'mailassure validate -c "
              + config
              + "' and correct it");
    }
    if (json) {
      json(report);
    } else {
      table(report);
    }
    return report.good() ? ExitCode.OK : ExitCode.FAILED;
  }

  /**
   * The example domains, or the named config's (read by {@link ConfigLoader#outline}: no key or
   * other file it names is opened), narrowed by --domain.
   */
  private List<Demo.Domain> domains() throws ConfigSource.UsageError {
    List<Demo.Domain> all;
    String source;
    if (config == null) {
      all = Demo.EXAMPLES;
      source = "the demo";
    } else {
      ConfigOutline outline;
      try {
        outline = new ConfigLoader(ctx.env(), ctx.root()).outline(ctx.workingDir().resolve(config));
      } catch (ConfigException e) {
        throw new ConfigSource.UsageError(e.getMessage());
      }
      source = outline.source().toString();
      all = new ArrayList<>();
      for (ConfigOutline.Domain d : outline.domains()) {
        if (all.stream().anyMatch(x -> x.name().equals(d.name()))) {
          throw new ConfigSource.UsageError(
              source
                  + " names the domain "
                  + d.name()
                  + " twice; run 'mailassure validate -c "
                  + source
                  + "' and correct it");
        }
        all.add(fromConfig(d, source));
      }
      if (all.isEmpty()) {
        throw new ConfigSource.UsageError(
            source + " names no domain; add one under 'domains:' (see 'mailassure validate')");
      }
    }
    if (only.isEmpty()) {
      return all;
    }
    ConfigSource.requireKnown(only, all.stream().map(Demo.Domain::name).toList(), source);
    List<String> wanted = only.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    return all.stream().filter(d -> wanted.contains(d.name())).toList();
  }

  /**
   * A config's domain as the demo runs it: its mailbox (the usual one when it names none), and its
   * selectors with throwaway RSA keys (its own keys are never read; one without keys signs with
   * {@link Demo#DEMO_SELECTOR}).
   */
  private static Demo.Domain fromConfig(ConfigOutline.Domain d, String source)
      throws ConfigSource.UsageError {
    String mailbox = d.mailbox() == null ? "secureemailreply@" + d.name() : d.mailbox();
    Matcher m = MAILBOX.matcher(mailbox);
    if (!m.matches() || !m.group(1).equalsIgnoreCase(d.name())) {
      throw new ConfigSource.UsageError(
          source
              + ": the mailbox '"
              + org.mailassure.text.Words.oneLine(org.mailassure.text.Words.cut(mailbox, 80))
              + "' of "
              + d.name()
              + " is not an address in that domain; run 'mailassure validate -c "
              + source
              + "' and correct it");
    }
    List<String> names =
        d.dkim().isEmpty()
            ? List.of(Demo.DEMO_SELECTOR)
            : d.dkim().stream().map(ConfigOutline.Key::selector).toList();
    List<Demo.Selector> selectors =
        names.stream().map(s -> new Demo.Selector(s, DkimAlgorithm.RSA_SHA256)).toList();
    return new Demo.Domain(d.name(), mailbox, selectors);
  }

  private void table(Demo.Report report) {
    var out = ctx.out();
    out.println(
        "Loopback STARTTLS relay on 127.0.0.1:"
            + report.relayPort()
            + "; throwaway CA and DKIM keys"
            + (config == null ? "." : ", for the domains and selectors of " + config + "."));
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
