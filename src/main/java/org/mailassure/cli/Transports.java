package org.mailassure.cli;

import java.util.List;
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

/**
 * Builds the one transport of a run from the config: Graph client or SMTP with its token source.
 * Graph and XOAUTH2 first add the Graph SDK and Azure Identity (lib/graph/) to the class loader.
 */
final class Transports {
  private Transports() {}

  static ProbeTransport of(Config config, List<DomainSettings> domains, Context ctx)
      throws CredentialException, Libraries.Unavailable {
    if (config.probe().transport() == TransportKind.GRAPH) {
      Libraries.require(Libraries.Group.GRAPH, "the graph transport");
      var credential = Credentials.of(config.graph(), ctx.env());
      return new GraphTransport(GraphClients.create(config.graph(), credential), ctx.clock());
    }
    boolean xoauth2 = domains.stream().anyMatch(d -> d.smtp().auth() == SmtpAuthKind.XOAUTH2);
    if (!xoauth2) {
      return new SmtpTransport(null);
    }
    Libraries.require(Libraries.Group.GRAPH, "smtp auth xoauth2");
    return new SmtpTransport(
        new AccessTokens(Credentials.of(config.graph(), ctx.env()), config.graph()));
  }
}
