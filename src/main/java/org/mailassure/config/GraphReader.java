package org.mailassure.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import org.mailassure.config.GraphAuth.AuthType;

/**
 * Reads the {@code graph} section: tenant, cloud, endpoint override and credential. Its checks go
 * character by character rather than through regular expressions, as {@link Names}' do, for the
 * same reason (start-up).
 */
final class GraphReader {
  private GraphReader() {}

  /**
   * {@code [0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}: a GUID as
   * Entra ID writes tenant and client IDs.
   */
  static boolean isGuid(String text) {
    if (text.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      boolean ok =
          i == 8 || i == 13 || i == 18 || i == 23
              ? c == '-'
              : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code [A-Za-z_][A-Za-z0-9_]*}: a name the environment can hold for any shell. */
  static boolean isEnvName(String text) {
    if (text.isEmpty() || (text.charAt(0) >= '0' && text.charAt(0) <= '9')) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_')) {
        return false;
      }
    }
    return true;
  }

  static GraphSettings read(Section g, FileChecks files) {
    if (g == null) {
      return null;
    }
    Cloud cloud = g.choice("cloud", Cloud.GLOBAL, Cloud.values());
    URI baseUrl = null;
    String base = g.text("base-url", null);
    if (base != null) {
      baseUrl = readBaseUrl(g, base);
    }
    Section a = g.section("auth", ConfigLoader.AUTH);
    GraphAuth auth =
        a == null
            ? new GraphAuth(AuthType.DEFAULT, null, null, null, null, null)
            : readAuth(a, files);
    String tenant = g.text("tenant-id", null);
    if (tenant != null && !isGuid(tenant) && !Names.isDomainName(tenant)) {
      g.problem(
          "tenant-id",
          "'" + tenant + "' is neither a tenant GUID nor a domain name",
          "use the tenant's GUID or its domain such as contoso.onmicrosoft.com");
    }
    if (tenant == null
        && (auth.type() == AuthType.CLIENT_SECRET || auth.type() == AuthType.CLIENT_CERTIFICATE)) {
      g.problem(
          "tenant-id",
          "is required for auth type " + auth.type().configName(),
          "add 'tenant-id:' with the tenant's GUID or its onmicrosoft.com domain");
    }
    return new GraphSettings(tenant, cloud, baseUrl, auth);
  }

  private static URI readBaseUrl(Section g, String text) {
    try {
      URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      if (uri.getRawUserInfo() != null) {
        // Not echoed: it holds a secret. Graph takes only the credential's token.
        g.problem(
            "base-url",
            "has a user name or password in it; secrets never go inline in the config",
            "remove it: Graph is reached with graph.auth's token");
        return null;
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.equals("https") || (scheme.equals("http") && Names.isLoopback(uri.getHost()))) {
        return uri;
      }
      g.problem(
          "base-url",
          "'" + text + "' is not an https URL",
          "use https://… (plain http is allowed only for 127.0.0.1 or localhost, in tests)");
    } catch (URISyntaxException e) {
      g.problem(
          "base-url", "'" + text + "' is not a URL", "write e.g. https://graph.microsoft.com/v1.0");
    }
    return null;
  }

  private static GraphAuth readAuth(Section a, FileChecks files) {
    AuthType type = a.choice("type", AuthType.DEFAULT, AuthType.values());
    String clientId = a.text("client-id", null);
    if (clientId != null && !isGuid(clientId)) {
      a.problem(
          "client-id",
          "'" + clientId + "' is not a GUID",
          "copy the Application (client) ID from the app registration in Entra ID");
    }
    boolean needsClient = type == AuthType.CLIENT_SECRET || type == AuthType.CLIENT_CERTIFICATE;
    if (needsClient && clientId == null) {
      a.problem(
          "client-id",
          "is required for auth type " + type.configName(),
          "add 'client-id:' with the Application (client) ID of the app registration");
    }
    Path secret = files.optionalSecret(a, "client-secret-file");
    Path certificate = files.optionalSecret(a, "certificate-file");
    String tokenEnv = a.text("token-env", null);
    Path tokenFile = files.optionalSecret(a, "token-file");
    if (tokenEnv != null && !isEnvName(tokenEnv)) {
      a.problem(
          "token-env",
          "'" + tokenEnv + "' is not an environment variable name",
          "use e.g. MAILASSURE_GRAPH_TOKEN");
    }
    switch (type) {
      case CLIENT_SECRET -> {
        if (secret == null && !a.has("client-secret-file")) {
          a.problem(
              "client-secret-file",
              "is required for auth type client-secret",
              "name the file that holds the secret, e.g. /run/credentials/mailassure.service/graph-secret");
        }
      }
      case CLIENT_CERTIFICATE -> {
        if (certificate == null && !a.has("certificate-file")) {
          a.problem(
              "certificate-file",
              "is required for auth type client-certificate",
              "name a PEM file holding the certificate and its private key");
        }
      }
      case TOKEN -> {
        if ((tokenEnv == null) == (tokenFile == null && !a.has("token-file"))) {
          a.problem(
              "type",
              "auth type token needs exactly one of token-env and token-file",
              "add 'token-env: MAILASSURE_GRAPH_TOKEN' or 'token-file: /path/to/token'");
        }
      }
      default -> {}
    }
    return new GraphAuth(type, clientId, secret, certificate, tokenEnv, tokenFile);
  }
}
