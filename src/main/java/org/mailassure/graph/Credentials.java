package org.mailassure.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Map;
import org.mailassure.config.FileChecks;
import org.mailassure.config.GraphAuth;
import org.mailassure.config.GraphSettings;
import org.mailassure.secrets.Secrets;
import reactor.core.publisher.Mono;

/**
 * Builds the Azure Identity credential that {@code graph.auth} describes, for the configured
 * cloud's login authority. Secrets are read from their files or the environment here, when the
 * credential is built, and never logged or put into exception messages.
 */
public final class Credentials {
  private Credentials() {}

  /**
   * The credential for the settings.
   *
   * @param environment the process environment, for {@code token-env}
   * @throws CredentialException when a secret file or variable cannot be read
   */
  public static TokenCredential of(GraphSettings settings, Map<String, String> environment)
      throws CredentialException {
    GraphAuth auth = settings.auth();
    String authority = settings.cloud().authority();
    return switch (auth.type()) {
      case DEFAULT -> {
        DefaultAzureCredentialBuilder b =
            new DefaultAzureCredentialBuilder().authorityHost(authority);
        if (settings.tenantId() != null) {
          b.tenantId(settings.tenantId());
        }
        if (auth.clientId() != null) {
          b.managedIdentityClientId(auth.clientId());
        }
        yield b.build();
      }
      case CLIENT_SECRET ->
          new ClientSecretCredentialBuilder()
              .authorityHost(authority)
              .tenantId(settings.tenantId())
              .clientId(auth.clientId())
              .clientSecret(readSecret(auth.clientSecretFile(), "client-secret-file"))
              .build();
      case CLIENT_CERTIFICATE ->
          new ClientCertificateCredentialBuilder()
              .authorityHost(authority)
              .tenantId(settings.tenantId())
              .clientId(auth.clientId())
              .pemCertificate(auth.certificateFile().toString())
              .build();
      case MANAGED_IDENTITY -> {
        ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder();
        if (auth.clientId() != null) {
          b.clientId(auth.clientId());
        }
        yield b.build();
      }
      case AZURE_CLI -> {
        AzureCliCredentialBuilder b = new AzureCliCredentialBuilder();
        if (settings.tenantId() != null) {
          b.tenantId(settings.tenantId());
        }
        yield b.build();
      }
      case TOKEN ->
          new StaticToken(
              auth.tokenEnv() != null
                  ? fromEnvironment(environment, auth.tokenEnv())
                  : readSecret(auth.tokenFile(), "token-file"));
    };
  }

  private static String fromEnvironment(Map<String, String> environment, String name)
      throws CredentialException {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      throw new CredentialException(
          "graph.auth.token-env names "
              + name
              + ", which is not set or empty; "
              + "export a bearer token in it, or use token-file");
    }
    return value.strip();
  }

  private static String readSecret(Path file, String key) throws CredentialException {
    if (FileChecks.isCredentialPath(file)) {
      throw new CredentialException("graph.auth." + key + " " + FileChecks.serviceOnly(file));
    }
    try {
      String value = Secrets.readFile(file);
      if (value.isEmpty()) {
        throw new CredentialException(
            "graph.auth." + key + " " + file + " is empty; put the secret in it");
      }
      return value;
    } catch (IOException e) {
      throw new CredentialException(
          "graph.auth."
              + key
              + " "
              + file
              + " cannot be read ("
              + org.mailassure.text.Words.whyUnreadable(e)
              + "); check that it exists and mailassure may read it");
    }
  }

  /**
   * A bearer token taken as it is ({@code auth.type: token}): for tests and for tokens minted
   * elsewhere.
   */
  static final class StaticToken implements TokenCredential {
    private final String token;

    StaticToken(String token) {
      this.token = Secrets.remember(token);
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
      return Mono.just(getTokenSync(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
      return new AccessToken(token, OffsetDateTime.now().plusHours(1));
    }

    @Override
    public String toString() {
      return "StaticToken[redacted]";
    }
  }
}
