package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mailassure.config.Config;
import org.mailassure.config.ConnectorSettings;
import org.mailassure.connectors.ConnectorPlan;
import org.mailassure.connectors.ConnectorPowerShell;
import org.mailassure.connectors.SecureDomainList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mailassure connectors}: each mandatory-TLS connector's recipient domains (static ones plus
 * the published secure-domain list), checked and folded, the change against the current list, and
 * the Exchange Online PowerShell that keeps the connector in step. Changes nothing itself.
 */
@Command(
    name = "connectors",
    footerHeading = "%nExamples:%n",
    footer = {
      "  mailassure connectors",
      "  mailassure connectors --current \"partners=current-domains.txt\""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every connector's list was made",
      "1:a connector failed",
      "2:usage or config error",
      "3:no secure-domain list could be fetched"
    },
    mixinStandardHelpOptions = true,
    description =
        "Build each mandatory-TLS connector's domain list (static domains and the secure-domain list), "
            + "show the change against --current, and print the Exchange Online PowerShell that creates or updates it.")
final class ConnectorsCommand implements Callable<Integer> {
  private final Context ctx;
  @Mixin CommonOptions options;

  @Option(
      names = "--current",
      paramLabel = "[NAME=]FILE",
      description =
          "The connector's current RecipientDomains, one per line or comma-separated (repeatable as NAME=FILE).")
  List<String> current = new ArrayList<>();

  @Option(
      names = "--connector",
      paramLabel = "NAME",
      description = "Only this connector (repeatable).")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--max-shrink",
      paramLabel = "PERCENT",
      description =
          "Refuse a list that loses more than this share "
              + "of the current domains (default ${DEFAULT-VALUE}).")
  int maxShrink = 20;

  @Option(names = "--force", description = "Accept a list that shrank more than --max-shrink.")
  boolean force;

  ConnectorsCommand(Context ctx) {
    this.ctx = ctx;
  }

  /** One connector's outcome. */
  record Result(
      ConnectorSettings settings,
      ConnectorPlan plan,
      ConnectorPlan.Change change,
      String powershell,
      String error,
      boolean unreachable) {}

  @Override
  public Integer call() throws Exception {
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(options.verbose));
    Config config = ConfigSource.load(ctx, options);
    List<ConnectorSettings> connectors =
        config.connectors().stream()
            .filter(c -> only.isEmpty() || only.contains(c.name()))
            .toList();
    if (connectors.isEmpty()) {
      throw new ConfigSource.UsageError(
          config.connectors().isEmpty()
              ? config.source()
                  + " has no connectors; add a connectors: list (see "
                  + org.mailassure.config.ExampleConfig.path()
                  + ")"
              : "--connector " + only + ": no such connector in " + config.source());
    }
    Map<String, List<String>> current = currentDomains(connectors);
    SecureDomainList lists = new SecureDomainList(java.time.Duration.ofSeconds(30));
    List<Result> results = new ArrayList<>();
    for (ConnectorSettings c : connectors) {
      results.add(
          one(c, lists, current.get(c.name()), config.source().toAbsolutePath().getParent()));
    }
    if (options.json) {
      json(results);
    } else {
      table(results);
    }
    if (results.stream().allMatch(r -> r.error() == null)) {
      return ExitCode.OK;
    }
    return results.stream().filter(r -> r.error() != null).allMatch(Result::unreachable)
        ? ExitCode.UNAVAILABLE
        : ExitCode.FAILED;
  }

  /**
   * The domains each {@code --current} file lists, read before anything is planned: a file that
   * cannot be read, is not UTF-8 text (a binary file given by mistake) or is larger than any
   * secure-domain list is a usage error, with nothing printed.
   */
  private Map<String, List<String>> currentDomains(List<ConnectorSettings> connectors)
      throws ConfigSource.UsageError {
    Map<String, Path> out = new HashMap<>();
    for (String c : current) {
      int eq = c.indexOf('=');
      if (eq > 0) {
        out.put(c.substring(0, eq), ctx.workingDir().resolve(c.substring(eq + 1)));
      } else if (connectors.size() == 1) {
        out.put(connectors.get(0).name(), ctx.workingDir().resolve(c));
      } else {
        throw new ConfigSource.UsageError(
            "--current "
                + c
                + ": there are "
                + connectors.size()
                + " connectors; say which with --current \"NAME=FILE\" or choose one with --connector");
      }
    }
    Map<String, List<String>> domains = new HashMap<>();
    for (var e : out.entrySet()) {
      String text;
      try {
        text = org.mailassure.text.SmallFiles.readUtf8(e.getValue(), SecureDomainList.MAX_BYTES);
      } catch (IOException why) {
        throw new ConfigSource.UsageError(
            "--current "
                + e.getValue()
                + ": cannot be read ("
                + org.mailassure.text.Words.whyUnreadable(why)
                + "); give a text file of the connector's current RecipientDomains, one per line or"
                + " comma-separated");
      }
      domains.put(e.getKey(), SecureDomainList.parse(text));
    }
    return domains;
  }

  private Result one(ConnectorSettings c, SecureDomainList lists, List<String> now, Path base)
      throws IOException {
    List<String> entries = new ArrayList<>(c.domains());
    if (c.secureDomainList() != null) {
      List<String> listed;
      try {
        listed = lists.fetch(c.secureDomainList(), base);
      } catch (SecureDomainList.UnavailableException e) {
        return new Result(c, null, null, null, e.getMessage() + "; nothing to change", true);
      }
      if (listed.isEmpty()) {
        return new Result(
            c,
            null,
            null,
            null,
            "the secure-domain list "
                + c.secureDomainList()
                + " has no domains; refusing to empty the connector",
            false);
      }
      ConnectorPlan fromList = ConnectorPlan.of(c.name(), listed);
      long invalid =
          fromList.refused().stream().filter(f -> f.reason().startsWith("not a domain")).count();
      if (fromList.domains().isEmpty() || invalid * 2 > listed.size()) {
        return new Result(
            c,
            null,
            null,
            null,
            "the secure-domain list "
                + c.secureDomainList()
                + " does not look like a list of domains ("
                + invalid
                + " of "
                + listed.size()
                + " entries are not domain names); nothing to change",
            false);
      }
      entries.addAll(listed);
    }
    ConnectorPlan plan = ConnectorPlan.of(c.name(), entries);
    ConnectorPlan.Change change = null;
    if (now != null) {
      change = plan.against(now);
      if (!now.isEmpty()
          && !force
          && change.removed().size() * 100 > (long) maxShrink * now.size()) {
        return new Result(
            c,
            plan,
            change,
            null,
            "the list would remove "
                + change.removed().size()
                + " of "
                + now.size()
                + " current domains (more than "
                + maxShrink
                + "%); a shrinking published list is more "
                + "likely broken than real, so nothing is printed; check it, then use --force",
            false);
      }
    }
    return new Result(c, plan, change, ConnectorPowerShell.script(plan, change), null, false);
  }

  private void table(List<Result> results) {
    var out = ctx.out();
    for (Result r : results) {
      out.println(r.settings().name() + ":");
      if (r.plan() != null) {
        out.println(
            "  "
                + r.plan().domains().size()
                + " domains"
                + (r.change() == null
                    ? " (no --current given: the update replaces the whole list)"
                    : ", "
                        + r.change().added().size()
                        + " to add, "
                        + r.change().removed().size()
                        + " to remove"));
        if (r.change() != null) {
          r.change().added().forEach(d -> out.println("  + " + d));
          r.change().removed().forEach(d -> out.println("  - " + d));
        }
        for (ConnectorPlan.Refusal f : r.plan().refused()) {
          out.println("  refused " + f.entry() + ": " + f.reason());
        }
      }
      if (r.error() != null) {
        out.println("  error: " + r.error());
      } else {
        out.println();
        out.print(r.powershell());
      }
      out.println();
    }
    out.flush();
  }

  private void json(List<Result> results) throws IOException {
    try (Json json = new Json(ctx.out())) {
      JsonGenerator g = json.g();
      g.writeStartObject();
      g.writeArrayFieldStart("connectors");
      for (Result r : results) {
        g.writeStartObject();
        g.writeStringField("name", r.settings().name());
        g.writeStringField("error", r.error());
        g.writeArrayFieldStart("domains");
        if (r.plan() != null) {
          for (String d : r.plan().domains()) {
            g.writeString(d);
          }
        }
        g.writeEndArray();
        g.writeArrayFieldStart("added");
        if (r.change() != null) {
          for (String d : r.change().added()) {
            g.writeString(d);
          }
        }
        g.writeEndArray();
        g.writeArrayFieldStart("removed");
        if (r.change() != null) {
          for (String d : r.change().removed()) {
            g.writeString(d);
          }
        }
        g.writeEndArray();
        g.writeArrayFieldStart("refused");
        if (r.plan() != null) {
          for (ConnectorPlan.Refusal f : r.plan().refused()) {
            g.writeStartObject();
            g.writeStringField("entry", f.entry());
            g.writeStringField("reason", f.reason());
            g.writeEndObject();
          }
        }
        g.writeEndArray();
        g.writeStringField("powershell", r.powershell());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }
}
