package org.mailassure.config;

import java.util.List;

/**
 * One mandatory-TLS outbound connector.
 *
 * @param secureDomainList an https URL or a file of the published secure-domain list; null if none
 */
public record ConnectorSettings(String name, List<String> domains, String secureDomainList) {
  public ConnectorSettings {
    domains = List.copyOf(domains);
  }
}
