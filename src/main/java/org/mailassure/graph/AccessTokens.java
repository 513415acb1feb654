package org.mailassure.graph;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import org.mailassure.config.GraphSettings;
import org.mailassure.secrets.Secrets;

/**
 * Access tokens from the configured credential, for Graph and for SMTP XOAUTH2 to Exchange Online
 * (scope {@code https://outlook.office365.com/.default} in the global cloud). Thread-safe: Azure
 * Identity credentials cache and refresh their own tokens.
 */
public final class AccessTokens {
  private final TokenCredential credential;
  private final GraphSettings settings;

  public AccessTokens(TokenCredential credential, GraphSettings settings) {
    this.credential = credential;
    this.settings = settings;
  }

  public TokenCredential credential() {
    return credential;
  }

  /** A token for SMTP AUTH XOAUTH2 to Exchange Online in the configured cloud. */
  public String smtpToken() throws CredentialException {
    return token(settings.cloud().smtpScope());
  }

  private String token(String scope) throws CredentialException {
    try {
      var token = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
      if (token == null || token.getToken() == null) {
        throw new CredentialException(
            "the "
                + settings.auth().type().configName()
                + " credential gave no token for "
                + scope);
      }
      return Secrets.remember(token.getToken());
    } catch (RuntimeException e) {
      throw new CredentialException(
          "could not get a token for "
              + scope
              + " with the "
              + settings.auth().type().configName()
              + " credential: "
              + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    return s == null ? "no detail" : s.lines().findFirst().orElse("no detail");
  }
}
