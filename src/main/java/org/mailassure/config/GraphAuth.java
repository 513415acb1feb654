package org.mailassure.config;

import java.nio.file.Path;

/**
 * The Graph credential: which kind, and where its secret lives. Secrets are never held here, only
 * the file or environment variable they are read from when a token is needed.
 *
 * @param clientId the app registration's client id; null for {@code default}, {@code azure-cli} and
 *     {@code token}, optional for {@code managed-identity}
 */
public record GraphAuth(
    AuthType type,
    String clientId,
    Path clientSecretFile,
    Path certificateFile,
    String tokenEnv,
    Path tokenFile) {

  /** The credential kinds of SPEC.md, with their names in the config. */
  public enum AuthType implements ConfigNamed {
    DEFAULT("default"),
    CLIENT_SECRET("client-secret"),
    CLIENT_CERTIFICATE("client-certificate"),
    MANAGED_IDENTITY("managed-identity"),
    AZURE_CLI("azure-cli"),
    TOKEN("token");

    private final String configName;

    AuthType(String configName) {
      this.configName = configName;
    }

    @Override
    public String configName() {
      return configName;
    }
  }
}
