package org.mailassure.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole mailassure configuration, loaded once by {@link ConfigLoader}, with defaults applied
 * and validated as a whole. Immutable; nothing below the loader reads YAML or the environment.
 *
 * @param source the file it was read from
 * @param assessmentAddress where probes go and whose messages the inbox rule answers
 * @param stateDir the SQLite state store's, the lock's and the metrics' directory
 * @param state where the state store is (SQLite in stateDir unless {@code state.url})
 * @param graph Microsoft Graph settings, or null when the file has no {@code graph} section
 */
public record Config(
    Path source,
    String assessmentAddress,
    Path stateDir,
    StateSettings state,
    GraphSettings graph,
    RuleSettings rule,
    ProbeSettings probe,
    ReadinessSettings readiness,
    List<ConnectorSettings> connectors,
    List<DomainSettings> domains) {

  public static final String DEFAULT_ASSESSMENT_ADDRESS =
      "emailsecurity@domaininformation.service.gov.uk";

  public Config {
    connectors = List.copyOf(connectors);
    domains = List.copyOf(domains);
  }

  /**
   * The domains whose mailbox the daemon answers in reply mode: {@code rule: true} with a mailbox,
   * when {@code rule.action} is reply and there is a {@code graph} section to reach them; empty
   * otherwise.
   */
  public List<DomainSettings> replying() {
    if (!rule.replies() || graph == null) {
      return List.of();
    }
    List<DomainSettings> out = new ArrayList<>();
    for (DomainSettings d : domains) {
      if (d.rule() && d.mailbox() != null) {
        out.add(d);
      }
    }
    return List.copyOf(out);
  }

  /** This config with another retry policy for probes (for {@code send} run by a person). */
  public Config withRetry(RetryPolicy retry) {
    ProbeSettings p = probe;
    return new Config(
        source,
        assessmentAddress,
        stateDir,
        state,
        graph,
        rule,
        new ProbeSettings(
            p.schedule(),
            p.scheduleText(),
            p.timeZone(),
            p.catchUp(),
            p.transport(),
            p.subject(),
            retry,
            p.smtp()),
        readiness,
        connectors,
        domains);
  }

  /** The Graph settings when the file has them. */
  public Optional<GraphSettings> graphSettings() {
    return Optional.ofNullable(graph);
  }

  /**
   * The files the config names by a systemd credential path ({@code ${CREDENTIALS_DIRECTORY}/NAME})
   * that were not resolved because this process is not the service: only the service can read them,
   * so a command run by hand that needs one fails.
   */
  public List<Path> serviceOnlyFiles() {
    // Loops, not streams: validate calls this on every run, and a stream's first use costs
    // milliseconds of start-up (README, Benchmarks).
    Set<Path> files = new LinkedHashSet<>();
    if (graph != null && graph.auth() != null) {
      var a = graph.auth();
      addCredential(files, a.clientSecretFile());
      addCredential(files, a.certificateFile());
      addCredential(files, a.tokenFile());
    }
    if (state != null) {
      addCredential(files, state.passwordFile());
    }
    for (DomainSettings d : domains) {
      addCredential(files, d.smtp() == null ? null : d.smtp().passwordFile());
      for (DkimKey k : d.dkim()) {
        addCredential(files, k.privateKeyFile());
      }
    }
    return List.copyOf(files);
  }

  private static void addCredential(Set<Path> files, Path f) {
    if (f != null && FileChecks.isCredentialPath(f)) {
      files.add(f);
    }
  }

  /** The domains whose names are given, in config order; all of them when none is given. */
  public List<DomainSettings> select(List<String> names) {
    if (names == null || names.isEmpty()) {
      return domains;
    }
    List<DomainSettings> out = new ArrayList<>();
    for (DomainSettings d : domains) {
      for (String n : names) {
        if (n.equalsIgnoreCase(d.name())) {
          out.add(d);
          break;
        }
      }
    }
    return List.copyOf(out);
  }
}
