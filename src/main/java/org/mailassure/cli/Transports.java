package org.mailassure.cli;

import org.mailassure.boot.Libraries;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.config.ProbeSettings.TransportKind;
import org.mailassure.config.SmtpSettings.SmtpAuthKind;
import org.mailassure.graph.AccessTokens;
import org.mailassure.graph.CredentialException;
import org.mailassure.graph.Credentials;
import org.mailassure.graph.GraphClients;
import org.mailassure.probe.transport.GraphTransport;
import org.mailassure.probe.transport.ProbeTransport;
import org.mailassure.probe.transport.SmtpTransport;
import java.util.List;

/**
 * Builds the one transport of a run from the config: Graph client or SMTP with its token source.
 * Graph and XOAUTH2 first make the packed libraries (Graph SDK, Azure Identity) loadable.
 */
final class Transports {
  private Transports() {}

  static ProbeTransport of(Config config, List<DomainSettings> domains, Context ctx)
      throws CredentialException, Libraries.Unavailable {
    if (config.probe().transport() == TransportKind.GRAPH) {
      Libraries.require("the graph transport", ctx.env());
      var credential = Credentials.of(config.graph(), ctx.env());
      return new GraphTransport(GraphClients.create(config.graph(), credential), ctx.clock());
    }
    boolean xoauth2 = domains.stream().anyMatch(d -> d.smtp().auth() == SmtpAuthKind.XOAUTH2);
    if (!xoauth2) {
      return new SmtpTransport(null);
    }
    Libraries.require("smtp auth xoauth2", ctx.env());
    return new SmtpTransport(new AccessTokens(Credentials.of(config.graph(), ctx.env()), config.graph()));
  }
}
