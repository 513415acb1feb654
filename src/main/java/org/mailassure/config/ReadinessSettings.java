package org.mailassure.config;

import java.time.Duration;
import java.util.List;

/**
 * Settings of {@code check}.
 *
 * @param dnsServers resolvers as {@code host} or {@code host:port}; empty means the system's
 */
public record ReadinessSettings(
    List<String> dnsServers, Duration timeout, List<String> dmarcRua, List<String> tlsRptRua) {
  public ReadinessSettings {
    dnsServers = List.copyOf(dnsServers);
    dmarcRua = List.copyOf(dmarcRua);
    tlsRptRua = List.copyOf(tlsRptRua);
  }
}
