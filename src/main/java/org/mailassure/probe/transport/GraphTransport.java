package org.mailassure.probe.transport;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.sendmail.SendMailPostRequestBody;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestInformation;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.Base64;
import okhttp3.Handshake;
import org.mailassure.config.DomainSettings;
import org.mailassure.graph.GraphClients;
import org.mailassure.graph.GraphErrors;
import org.mailassure.probe.transport.SendFailure.Kind;

/**
 * Sends probes with Graph {@code POST /users/{sender}/sendMail}, the MIME message base64-encoded as
 * a {@code text/plain} body (Graph's "send a message in MIME format"), through the Graph SDK.
 * Exchange Online then sends it over TLS, DKIM-signed by the tenant. Needs the application
 * permission {@code Mail.Send} for the sender's mailbox. Thread-safe.
 */
public final class GraphTransport implements ProbeTransport {
  private final GraphServiceClient client;
  private final Clock clock;

  public GraphTransport(GraphServiceClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  @Override
  public Delivery send(OutgoingProbe probe, DomainSettings domain) throws SendFailure {
    RequestInformation request =
        client
            .users()
            .byUserId(probe.sender())
            .sendMail()
            .toPostRequestInformation(new SendMailPostRequestBody());
    request.headers.remove("Content-Type");
    byte[] base64 = Base64.getEncoder().encode(probe.mime());
    request.setStreamContent(new ByteArrayInputStream(base64), "text/plain");
    // mailassure retries by probe.retry and honours Retry-After itself; the SDK must not retry too.
    request.addRequestOptions(org.mailassure.graph.GraphCalls.noSdkRetry());
    GraphClients.clearHandshake();
    try {
      org.mailassure.graph.GraphCalls.IN_FLIGHT.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SendFailure(Kind.TEMPORARY, "stopped before sending", null, e);
    }
    try {
      client.getRequestAdapter().sendPrimitive(request, GraphErrors.mapping(), Void.class);
    } catch (ApiException e) {
      throw classify(e, probe);
    } catch (RuntimeException e) {
      throw unreachable(e, probe);
    } finally {
      org.mailassure.graph.GraphCalls.IN_FLIGHT.release();
    }
    Handshake tls = GraphClients.lastHandshake();
    return new Delivery(
        tls == null ? null : tls.tlsVersion().javaName(),
        tls == null ? null : tls.cipherSuite().javaName(),
        "202 Accepted");
  }

  private SendFailure classify(ApiException e, OutgoingProbe probe) {
    int status = e.getResponseStatusCode();
    String graph = GraphErrors.describe(e);
    String mailbox = probe.sender();
    return switch (status) {
      case 429, 503, 504 ->
          new SendFailure(
              Kind.TEMPORARY,
              "Graph is throttling or busy (HTTP " + status + "): " + graph,
              GraphErrors.retryAfter(e, clock.instant()),
              e);
      case 401 ->
          new SendFailure(
              Kind.AUTHENTICATION,
              "Graph refused the token (HTTP 401): "
                  + graph
                  + "; check graph.tenant-id and graph.auth",
              null,
              e);
      case 403 ->
          new SendFailure(
              Kind.AUTHENTICATION,
              "Graph denied sendMail as "
                  + mailbox
                  + " (HTTP 403): "
                  + graph
                  + "; grant the app the Mail.Send application permission and, with RBAC for Applications, "
                  + "include this mailbox in its management scope",
              null,
              e);
      case 404 ->
          new SendFailure(
              Kind.PERMANENT,
              "Graph has no mailbox "
                  + mailbox
                  + " (HTTP 404): "
                  + graph
                  + "; check the domain's sender/mailbox in the config",
              null,
              e);
      default ->
          status >= 500
              ? new SendFailure(
                  Kind.TEMPORARY, "Graph failed (HTTP " + status + "): " + graph, null, e)
              : new SendFailure(
                  Kind.PERMANENT,
                  "Graph rejected the probe (HTTP " + status + "): " + graph,
                  null,
                  e);
    };
  }

  private static SendFailure unreachable(RuntimeException e, OutgoingProbe probe) {
    var f = GraphErrors.fromRuntime(e, "send mail as " + probe.sender());
    Kind kind =
        switch (f.kind()) {
          case AUTHENTICATION -> Kind.AUTHENTICATION;
          case UNREACHABLE -> Kind.UNREACHABLE;
          case TEMPORARY -> Kind.TEMPORARY;
          case PERMANENT -> Kind.PERMANENT;
        };
    return new SendFailure(kind, f.getMessage(), null, e);
  }
}
