package org.mailassure.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
    return domains.stream().filter(d -> d.rule() && d.mailbox() != null).toList();
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
    List<Path> files = new java.util.ArrayList<>();
    if (graph != null && graph.auth() != null) {
      var a = graph.auth();
      java.util.stream.Stream.of(a.clientSecretFile(), a.certificateFile(), a.tokenFile())
          .forEach(files::add);
    }
    if (state != null) {
      files.add(state.passwordFile());
    }
    for (DomainSettings d : domains) {
      files.add(d.smtp() == null ? null : d.smtp().passwordFile());
      d.dkim().forEach(k -> files.add(k.privateKeyFile()));
    }
    return files.stream()
        .filter(f -> f != null && FileChecks.isCredentialPath(f))
        .distinct()
        .toList();
  }

  /** The domains whose names are given, in config order; all of them when none is given. */
  public List<DomainSettings> select(List<String> names) {
    if (names == null || names.isEmpty()) {
      return domains;
    }
    return domains.stream()
        .filter(d -> names.stream().anyMatch(n -> n.equalsIgnoreCase(d.name())))
        .toList();
  }
}
