package org.mailassure.config;

import java.nio.file.Path;

/**
 * A relay and how to talk to it. There is no plain-text option: every session is TLS.
 *
 * @param username the AUTH user; null means the domain's sender
 * @param passwordFile where the password is, for {@code auth: password}; null otherwise
 * @param trustStore PEM certificates of a private relay CA; null to use the JDK's trust
 */
public record SmtpSettings(
    String host,
    int port,
    Security security,
    TlsVersion minTlsVersion,
    SmtpAuthKind auth,
    String username,
    Path passwordFile,
    Path trustStore) {

  /** How TLS starts. */
  public enum Security implements ConfigNamed {
    STARTTLS("starttls", 587),
    IMPLICIT_TLS("implicit-tls", 465);

    private final String configName;
    private final int defaultPort;

    Security(String configName, int defaultPort) {
      this.configName = configName;
      this.defaultPort = defaultPort;
    }

    @Override
    public String configName() {
      return configName;
    }

    public int defaultPort() {
      return defaultPort;
    }
  }

  /** How the relay is authenticated to. */
  public enum SmtpAuthKind implements ConfigNamed {
    XOAUTH2("xoauth2"),
    PASSWORD("password"),
    NONE("none");

    private final String configName;

    SmtpAuthKind(String configName) {
      this.configName = configName;
    }

    @Override
    public String configName() {
      return configName;
    }
  }
}
