package org.mailassure.readiness;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.mailassure.batch.Batch;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.config.ProbeSettings.TransportKind;
import org.mailassure.journal.JournalState;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.readiness.dns.DnsClient;
import org.mailassure.rules.MailboxRules;

/**
 * Runs the readiness checks of SPEC.md for each domain: all domains at once under a bound, each DNS
 * name asked once per run. Everything that touches the world comes in through the constructor.
 */
public final class Readiness {
  private static final int PARALLEL_DOMAINS = 32;

  /** One domain's results, in {@link CheckId} order. */
  public record DomainReport(String domain, List<CheckResult> checks) {
    public Status worst() {
      return checks.stream().map(CheckResult::status).reduce(Status.SKIP, Status::worst);
    }
  }

  private final Config config;
  private final DnsClient dns;
  private final PolicyFetcher policies;
  private final SmtpTransport relays;
  private final MailboxRules rules;
  private final JournalState journal;
  private final Clock clock;
  private String rulesUnavailable;
  private String storeUnavailable;
  private String rulesFix;
  private java.util.Map<String, org.mailassure.state.ReplyStore.MailboxState> mailboxes =
      java.util.Map.of();

  /**
   * One TLS check a relay, however many domains share it. The first domain to want a relay puts a
   * future in the map and runs the check outside the map's lock; the others wait on the future.
   */
  private final java.util.concurrent.ConcurrentHashMap<
          org.mailassure.config.SmtpSettings, java.util.concurrent.CompletableFuture<CheckResult>>
      relayResults = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param rules null when the config has no graph section
   */
  public Readiness(
      Config config,
      DnsClient dns,
      PolicyFetcher policies,
      SmtpTransport relays,
      MailboxRules rules,
      JournalState journal,
      Clock clock) {
    this.config = config;
    this.dns = dns;
    this.policies = policies;
    this.relays = relays;
    this.rules = rules;
    this.journal = journal;
    this.clock = clock;
  }

  /**
   * Says why the mailboxes cannot be read (no credential, or the Graph libraries could not be
   * added) and what fixes it: the rule check then fails with both.
   */
  /** The reply-mode mailboxes' summaries from the state store, for the rule check. */
  public Readiness mailboxes(
      java.util.Map<String, org.mailassure.state.ReplyStore.MailboxState> mailboxes) {
    this.mailboxes = mailboxes;
    return this;
  }

  /** The probe check says it could not read the state store, and why (null when it could). */
  public Readiness storeUnavailable(String why) {
    this.storeUnavailable = why;
    return this;
  }

  public Readiness rulesUnavailable(String why, String fix) {
    this.rulesUnavailable = why;
    this.rulesFix = fix;
    return this;
  }

  /** Runs the chosen checks; the others are reported as skipped with the reason. */
  public List<DomainReport> check(
      List<DomainSettings> domains, Set<CheckId> chosen, String whyNotChosen) {
    return Batch.threads("check")
        .map(
            domains,
            PARALLEL_DOMAINS,
            d -> one(d, chosen, whyNotChosen),
            (d, e) ->
                new DomainReport(
                    d.name(),
                    java.util.Arrays.stream(CheckId.values())
                        .map(
                            id ->
                                chosen.contains(id)
                                    ? CheckResult.fail(
                                        id,
                                        "could not check: "
                                            + (e instanceof InterruptedException
                                                ? "stopped before it finished"
                                                : "unexpected " + e.getClass().getSimpleName()),
                                        "run the check again; if it persists, report it with -v")
                                    : CheckResult.skip(id, whyNotChosen))
                        .toList()));
  }

  private CheckResult relayCheck(DomainSettings d) {
    var mine = new java.util.concurrent.CompletableFuture<CheckResult>();
    var theirs = relayResults.putIfAbsent(d.smtp(), mine);
    if (theirs != null) {
      return theirs.join();
    }
    try {
      mine.complete(SmtpTlsCheck.run(relays, d.smtp(), d.name(), clock.instant()));
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    }
    return mine.join();
  }

  private DomainReport one(DomainSettings d, Set<CheckId> chosen, String whyNotChosen) {
    List<String> mx = askFirstQuestions(d, chosen);
    List<CheckResult> results = new ArrayList<>();
    for (CheckId id : CheckId.values()) {
      if (!chosen.contains(id)) {
        results.add(CheckResult.skip(id, whyNotChosen));
        continue;
      }
      try {
        results.add(checkOne(id, d, mx));
      } catch (RuntimeException e) {
        // A fault in one check (a record no parser foresaw) is that check's failure; the domain's
        // other checks, and the other domains, are still reported.
        org.slf4j.LoggerFactory.getLogger(Readiness.class)
            .debug("{}: the {} check failed unexpectedly", d.name(), id.id(), e);
        results.add(
            CheckResult.fail(
                id,
                "could not check: unexpected "
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + firstLine(e.getMessage()) + ")"),
                "run the check again; if it persists, report it with the output of -v"));
      }
    }
    return new DomainReport(d.name(), results);
  }

  /**
   * Sends every first question of the chosen checks at once (the domain's SPF, DMARC, MTA-STS and
   * TLS-RPT records, each DKIM selector, the MX), and none that no chosen check reads; then waits
   * for the MX answer and sends every MX host's address questions at once when the MX or SPF check
   * will read them.
   *
   * @return the MX hosts, which the MX, SPF and MTA-STS checks judge by (empty when none runs)
   */
  private List<String> askFirstQuestions(DomainSettings d, Set<CheckId> chosen) {
    int txt = org.xbill.DNS.Type.TXT;
    if (chosen.contains(CheckId.SPF)) {
      dns.ask(d.name(), txt);
    }
    if (chosen.contains(CheckId.DMARC)) {
      dns.ask("_dmarc." + d.name(), txt);
    }
    if (chosen.contains(CheckId.MTA_STS)) {
      dns.ask("_mta-sts." + d.name(), txt);
    }
    if (chosen.contains(CheckId.TLS_RPT)) {
      dns.ask("_smtp._tls." + d.name(), txt);
    }
    if (chosen.contains(CheckId.DKIM)) {
      for (String selector : d.selectors()) {
        dns.ask(selector + "._domainkey." + d.name(), txt);
      }
    }
    boolean needsMx =
        chosen.contains(CheckId.MX)
            || chosen.contains(CheckId.SPF)
            || chosen.contains(CheckId.MTA_STS);
    if (!needsMx) {
      return List.of();
    }
    List<String> hosts = MxCheck.hosts(dns, d.name());
    if (chosen.contains(CheckId.MX) || chosen.contains(CheckId.SPF)) {
      for (String h : hosts) {
        if (!h.isEmpty()) {
          dns.ask(h, org.xbill.DNS.Type.A);
          dns.ask(h, org.xbill.DNS.Type.AAAA);
        }
      }
    }
    return hosts;
  }

  private static String firstLine(String s) {
    String line = s.lines().findFirst().orElse("");
    return org.mailassure.secrets.Secrets.redact(org.mailassure.text.Words.cut(line, 200));
  }

  private CheckResult checkOne(CheckId id, DomainSettings d, List<String> mx) {
    return switch (id) {
      case MX -> MxCheck.run(dns, d.name());
      // Whether the domain is on Microsoft 365 (and so needs Outlook's include) is decided
      // from the MX hosts mail can reach, not from a name nobody can deliver to.
      case SPF -> SpfCheck.run(dns, d.name(), MxCheck.reachable(dns, mx));
      case DMARC -> DmarcCheck.run(dns, d.name(), config.readiness().dmarcRua());
      case DKIM -> DkimCheck.run(dns, d);
      // A null MX ("0 .", RFC 7505) names no host for a policy to cover.
      case MTA_STS ->
          MtaStsCheck.run(dns, policies, d.name(), mx.stream().filter(h -> !h.isEmpty()).toList());
      case TLS_RPT -> TlsRptCheck.run(dns, d.name(), config.readiness().tlsRptRua());
      case SMTP_TLS ->
          config.probe().transport() == TransportKind.SMTP
              ? relayCheck(d)
              : CheckResult.skip(
                  id,
                  "probe.transport is graph: probes leave through Exchange Online, not an SMTP relay");
      case RULE ->
          rulesUnavailable != null && d.rule()
              ? CheckResult.fail(
                  id, "could not check: " + rulesUnavailable, rulesFix + ", then run check again")
              : RuleCheck.run(config, rules, mailboxes, d, clock.instant());
      case PROBE ->
          storeUnavailable != null && d.probe()
              ? CheckResult.fail(
                  CheckId.PROBE,
                  "could not check: " + storeUnavailable,
                  "make the state store readable (run check as root or the service user;"
                      + " with state.url, check the PostgreSQL server)")
              : ProbeCheck.run(journal, d, clock.instant());
    };
  }

  /** Every check. */
  public static Set<CheckId> all() {
    return EnumSet.allOf(CheckId.class);
  }
}
