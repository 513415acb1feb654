package org.mailassure.cli;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.mailassure.boot.Libraries;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.config.GraphSettings;
import org.mailassure.config.ProbeSettings.TransportKind;
import org.mailassure.graph.CredentialException;
import org.mailassure.graph.Credentials;
import org.mailassure.graph.GraphClients;
import org.mailassure.probe.Sleeper;
import org.mailassure.probe.transport.GraphTransport;
import org.mailassure.probe.transport.ProbeTransport;
import org.mailassure.reply.MailboxMessages;
import org.mailassure.reply.ReplyAgent;
import org.mailassure.state.ReplyStore;

/**
 * The daemon's one Graph client, made when first needed (so a daemon that never talks to Graph
 * never opens the Graph libraries) and kept while {@code graph} stays the same across reloads: the
 * graph transport's sends and the reply agent's looks share it, its connections and its token.
 * Thread-safe.
 */
final class GraphSession {
  private final Context ctx;
  private GraphServiceClient client;
  private GraphSettings settings;

  GraphSession(Context ctx) {
    this.ctx = ctx;
  }

  private synchronized GraphServiceClient client(Config config)
      throws CredentialException, Libraries.Unavailable {
    if (client == null || !config.graph().equals(settings)) {
      Libraries.require(Libraries.Group.GRAPH, "Microsoft Graph");
      client = GraphClients.create(config.graph(), Credentials.of(config.graph(), ctx.env()));
      settings = config.graph();
    }
    return client;
  }

  /** The transport of one slot's batch: Graph through the shared client, or SMTP. */
  ProbeTransport transport(Config config) throws Exception {
    if (config.probe().transport() == TransportKind.GRAPH) {
      // client() adds the Graph jars to the loader; GraphTransport, whose code names Graph types,
      // is made in its own method so that its `new` runs only after that (a `new` links its class
      // before the arguments are evaluated).
      return graphTransport(client(config));
    }
    List<DomainSettings> probing = config.domains().stream().filter(DomainSettings::probe).toList();
    return Transports.of(config, probing, ctx);
  }

  private ProbeTransport graphTransport(GraphServiceClient client) {
    return new GraphTransport(client, ctx.clock());
  }

  /** The reply agent, through the shared client. */
  ReplyAgent agent(Config config, ReplyStore store, BooleanSupplier stopping, Sleeper sleeper)
      throws Exception {
    return replyAgent(config, client(config), store, stopping, sleeper);
  }

  private ReplyAgent replyAgent(
      Config config,
      GraphServiceClient client,
      ReplyStore store,
      BooleanSupplier stopping,
      Sleeper sleeper) {
    return new ReplyAgent(
        config, new MailboxMessages(client, sleeper, ctx.clock()), store, ctx.clock(), stopping);
  }
}
