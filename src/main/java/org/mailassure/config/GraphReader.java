package org.mailassure.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.mailassure.config.GraphAuth.AuthType;

/** Reads the {@code graph} section: tenant, cloud, endpoint override and credential. */
final class GraphReader {
  static final Pattern GUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private GraphReader() {}

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
    if (tenant != null && !GUID.matcher(tenant).matches() && !Names.isDomainName(tenant)) {
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
    if (clientId != null && !GUID.matcher(clientId).matches()) {
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
    if (tokenEnv != null && !ENV_NAME.matcher(tokenEnv).matches()) {
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
