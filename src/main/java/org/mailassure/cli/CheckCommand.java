package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mailassure.boot.Libraries;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.graph.CredentialException;
import org.mailassure.graph.Credentials;
import org.mailassure.graph.GraphClients;
import org.mailassure.journal.JournalState;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.readiness.CheckId;
import org.mailassure.readiness.CheckResult;
import org.mailassure.readiness.PolicyFetcher;
import org.mailassure.readiness.Readiness;
import org.mailassure.readiness.Readiness.DomainReport;
import org.mailassure.readiness.Status;
import org.mailassure.readiness.dns.DnsClient;
import org.mailassure.rules.MailboxRules;
import org.mailassure.state.StoreException;
import org.mailassure.state.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mailassure check}: is each domain's outbound mail TLS- and DKIM-ready, and how to fix it.
 */
@Command(
    name = "check",
    footerHeading = "%nExamples:%n",
    footer = {"  mailassure check", "  mailassure check --only spf,dmarc --domain example.gov.uk"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:no check failed",
      "1:a check failed (each with its fix)",
      "2:usage or config error",
      "3:no DNS server answered at all"
    },
    mixinStandardHelpOptions = true,
    description =
        "Check each domain's mx, spf, dmarc, dkim, mta-sts, tls-rpt, smtp-tls, rule and probe; "
            + "for anything not pass, say how to fix it. Exit 1 when any check fails.")
final class CheckCommand implements Callable<Integer> {
  private final Context ctx;
  @Mixin CommonOptions options;

  /** The check ids, offered by the shell completions for --only and --skip. */
  static final class Ids implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(CheckId.values()).map(CheckId::id).iterator();
    }
  }

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "ID",
      completionCandidates = Ids.class,
      description = "Run only these checks.")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--skip",
      split = ",",
      paramLabel = "ID",
      completionCandidates = Ids.class,
      description = "Do not run these checks.")
  List<String> skip = new ArrayList<>();

  CheckCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    System.setProperty(LogConfigurator.VERBOSE_PROPERTY, Boolean.toString(options.verbose));
    Set<CheckId> chosen = chosen();
    Config config = ConfigSource.load(ctx, options);
    List<DomainSettings> domains = ConfigSource.select(config, options);
    MailboxRules rules = null;
    String rulesUnavailable = null;
    String rulesFix = null;
    if (config.graph() != null && chosen.contains(CheckId.RULE) && !config.rule().replies()) {
      try {
        Libraries.require(Libraries.Group.GRAPH, "the rule check (Microsoft Graph)");
        rules =
            new MailboxRules(
                GraphClients.create(config.graph(), Credentials.of(config.graph(), ctx.env())),
                ctx.sleeper(),
                ctx.clock());
      } catch (CredentialException e) {
        rulesUnavailable = e.getMessage();
        rulesFix = "fix graph.auth";
      } catch (Libraries.Unavailable e) {
        rulesUnavailable = e.getMessage();
        rulesFix = "do what the detail says";
      }
    }
    JournalState journal = JournalState.empty();
    String storeProblem = null;
    if (chosen.contains(CheckId.PROBE)) {
      try {
        journal = Stores.summary(config, ctx.clock().instant());
      } catch (StoreException e) {
        storeProblem = e.getMessage();
      }
    }
    java.util.Map<String, org.mailassure.state.ReplyStore.MailboxState> mailboxes =
        java.util.Map.of();
    if (chosen.contains(CheckId.RULE) && config.rule().replies() && config.graph() != null) {
      try {
        mailboxes = Stores.mailboxes(config, ctx.clock().instant());
      } catch (StoreException e) {
        rulesUnavailable = e.getMessage();
        rulesFix =
            "make the state store readable (run check as root or the service user; with"
                + " state.url, check the PostgreSQL server)";
      }
    }
    DnsClient dns = new DnsClient(config.readiness().dnsServers(), config.readiness().timeout());
    String why = !only.isEmpty() ? "not in --only" : "skipped by --skip";
    try (SmtpTransport relays = new SmtpTransport(null)) {
      List<DomainReport> reports =
          new Readiness(
                  config,
                  dns,
                  PolicyFetcher.standard(config.readiness().timeout()),
                  relays,
                  rules,
                  journal,
                  ctx.clock())
              .rulesUnavailable(rulesUnavailable, rulesFix)
              .mailboxes(mailboxes)
              .storeUnavailable(storeProblem)
              .check(domains, chosen, why);
      if (options.json) {
        json(reports);
      } else {
        table(reports);
      }
      if (noDnsAnswered(reports)) {
        // SPEC's exit 3: the service (here the resolvers) could not be reached at all, which
        // monitoring must tell apart from DNS that answers wrongly (exit 1).
        ctx.err()
            .println(
                "mailassure: check: no DNS server answered ("
                    + (config.readiness().dnsServers().isEmpty()
                        ? "the system's resolvers"
                        : String.join(", ", config.readiness().dnsServers()))
                    + ", each question given "
                    + org.mailassure.config.Durations.format(config.readiness().timeout())
                    + "); nothing in DNS could be checked. Check readiness.dns-servers and that"
                    + " this host can reach them.");
        ctx.err().flush();
        return ExitCode.UNAVAILABLE;
      }
      return reports.stream().anyMatch(r -> r.worst() == Status.FAIL)
          ? ExitCode.FAILED
          : ExitCode.OK;
    }
  }

  /** The terminal's width from {@code COLUMNS}, 80 when unknown or implausible. */
  static int columns(java.util.Map<String, String> env) {
    try {
      int c = Integer.parseInt(env.getOrDefault("COLUMNS", "").strip());
      return c >= 40 && c <= 1000 ? c : 80;
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /**
   * Text in lines of at most {@code width} characters, broken between words; a word longer than a
   * line (a long DNS name) is cut, as nothing else fits.
   */
  static List<String> wrap(String text, int width) {
    int w = Math.max(20, width);
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.strip().split("\\s+")) {
      while (word.length() > w) {
        if (line.length() > 0) {
          lines.add(line.toString());
          line.setLength(0);
        }
        lines.add(word.substring(0, w));
        word = word.substring(w);
      }
      if (line.length() > 0 && line.length() + 1 + word.length() > w) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0 || lines.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }

  /** The checks that ask DNS: when every one of them, for every domain, could not be made. */
  private static final Set<CheckId> DNS_CHECKS =
      Set.of(
          CheckId.MX, CheckId.SPF, CheckId.DMARC, CheckId.DKIM, CheckId.MTA_STS, CheckId.TLS_RPT);

  static boolean noDnsAnswered(List<DomainReport> reports) {
    List<org.mailassure.readiness.CheckResult> dns =
        reports.stream()
            .flatMap(r -> r.checks().stream())
            .filter(c -> DNS_CHECKS.contains(c.id()) && c.status() != Status.SKIP)
            .toList();
    return !dns.isEmpty()
        && dns.stream()
            .allMatch(c -> c.status() == Status.FAIL && c.detail().startsWith("could not check"));
  }

  private Set<CheckId> chosen() throws ConfigSource.UsageError {
    Set<CheckId> chosen =
        only.isEmpty() ? EnumSet.allOf(CheckId.class) : EnumSet.noneOf(CheckId.class);
    for (String id : only) {
      chosen.add(id(id, "--only"));
    }
    for (String id : skip) {
      chosen.remove(id(id, "--skip"));
    }
    return chosen;
  }

  private static CheckId id(String text, String option) throws ConfigSource.UsageError {
    CheckId id = CheckId.of(text);
    if (id == null) {
      List<String> ids = new ArrayList<>();
      for (CheckId c : CheckId.values()) {
        ids.add(c.id());
      }
      throw new ConfigSource.UsageError(
          option + " " + text + ": no such check; the checks are " + String.join(", ", ids));
    }
    return id;
  }

  private void table(List<DomainReport> reports) {
    var out = ctx.out();
    int width = columns(ctx.env());
    int ready = 0;
    int warned = 0;
    int failing = 0;
    for (DomainReport r : reports) {
      Status worst = r.worst();
      switch (worst) {
        case FAIL -> failing++;
        case WARN -> warned++;
        default -> ready++;
      }
      out.println(r.domain() + ": " + worst.label());
      for (CheckResult c : r.checks()) {
        // "  mta-sts  fail  " then the detail, and the fix on lines of its own, wrapped under
        // the detail to the terminal's width.
        String head = String.format("  %-8s %-4s  ", c.id().id(), c.status().label());
        String pad = " ".repeat(head.length());
        List<String> lines = new ArrayList<>(wrap(c.detail(), width - head.length()));
        if (c.fix() != null && !c.fix().isBlank()) {
          lines.addAll(wrap("fix: " + c.fix(), width - head.length()));
        }
        for (int i = 0; i < lines.size(); i++) {
          out.println((i == 0 ? head : pad) + lines.get(i));
        }
      }
      out.println();
    }
    out.println(
        reports.size()
            + " domain"
            + (reports.size() == 1 ? "" : "s")
            + ": "
            + ready
            + " ready, "
            + warned
            + " with warnings, "
            + failing
            + " failing");
    out.flush();
  }

  private void json(List<DomainReport> reports) throws IOException {
    try (Json json = new Json(ctx.out())) {
      JsonGenerator g = json.g();
      g.writeStartObject();
      g.writeArrayFieldStart("domains");
      for (DomainReport r : reports) {
        g.writeStartObject();
        g.writeStringField("domain", r.domain());
        g.writeArrayFieldStart("checks");
        for (CheckResult c : r.checks()) {
          g.writeStartObject();
          g.writeStringField("id", c.id().id());
          g.writeStringField("status", c.status().label());
          g.writeStringField("detail", c.detail());
          g.writeStringField("fix", c.fix());
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
