package org.mailassure.graph;

import com.azure.core.credential.TokenCredential;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import java.time.Duration;
import okhttp3.Handshake;
import okhttp3.OkHttpClient;
import org.mailassure.config.GraphSettings;
import org.mailassure.secrets.Secrets;

/**
 * Makes the one Graph client of a run: the configured cloud's endpoint (or {@code base-url}), the
 * credential's tokens sent only to that host, and a network interceptor that notes the TLS of each
 * call. The SDK's own retry handler is switched off per request by the callers, which retry by the
 * config's policy and honour Retry-After themselves.
 */
public final class GraphClients {
  private static final ThreadLocal<Handshake> LAST_HANDSHAKE = new ThreadLocal<>();

  private GraphClients() {}

  public static GraphServiceClient create(GraphSettings settings, TokenCredential credential) {
    String endpoint = settings.endpoint().toString();
    String host = settings.endpoint().getHost();
    var auth =
        new AzureIdentityAuthenticationProvider(
            remembering(credential), new String[] {host}, settings.cloud().graphScope());
    OkHttpClient http =
        GraphClientFactory.create()
            .addNetworkInterceptor(
                chain -> {
                  LAST_HANDSHAKE.set(
                      chain.connection() == null ? null : chain.connection().handshake());
                  return bounded(chain.proceed(chain.request()), chain.call());
                })
            .connectTimeout(Duration.ofSeconds(30))
            .readTimeout(Duration.ofSeconds(100))
            .callTimeout(Duration.ofMinutes(5))
            .build();
    GraphServiceClient client = new GraphServiceClient(auth, http);
    client.getRequestAdapter().setBaseUrl(endpoint);
    return client;
  }

  /** Far above any answer mailassure asks Graph for (a page of rules, an error). */
  static final long MAX_BODY_BYTES = 4L << 20;

  /**
   * The response with its body cut off at {@link #MAX_BODY_BYTES}: reading further fails, so a
   * server that sends gigabytes (in an error, say) costs a bounded amount of memory and time. The
   * whole call is also bounded (5 minutes), however slowly the bytes come. At the bound the call is
   * cancelled, which closes its connection: closing the body instead would have OkHttp read on for
   * up to 100 ms to keep the connection for reuse, tens of megabytes on a fast link.
   */
  static okhttp3.Response bounded(okhttp3.Response response, okhttp3.Call call) {
    okhttp3.ResponseBody body = response.body();
    if (body == null) {
      return response;
    }
    okio.Source limited =
        new okio.ForwardingSource(body.source()) {
          private long total;

          @Override
          public long read(okio.Buffer sink, long byteCount) throws java.io.IOException {
            long n = super.read(sink, byteCount);
            if (n > 0 && (total += n) > MAX_BODY_BYTES) {
              call.cancel();
              throw new GraphErrors.OversizedAnswer(
                  "Graph's answer is longer than " + (MAX_BODY_BYTES >> 20) + " MiB; not read");
            }
            return n;
          }
        };
    return response
        .newBuilder()
        .body(
            okhttp3.ResponseBody.create(
                okio.Okio.buffer(limited), body.contentType(), body.contentLength()))
        .build();
  }

  /**
   * The TLS handshake of this thread's last Graph call, or null (plain http on loopback, or none
   * yet).
   */
  public static Handshake lastHandshake() {
    return LAST_HANDSHAKE.get();
  }

  /** Forgets this thread's last handshake, before a new call. */
  public static void clearHandshake() {
    LAST_HANDSHAKE.remove();
  }

  /** The credential, with every token it issues remembered as a secret (never printed). */
  private static TokenCredential remembering(TokenCredential credential) {
    return new TokenCredential() {
      @Override
      public reactor.core.publisher.Mono<com.azure.core.credential.AccessToken> getToken(
          com.azure.core.credential.TokenRequestContext request) {
        return credential.getToken(request).doOnNext(t -> Secrets.remember(t.getToken()));
      }

      @Override
      public com.azure.core.credential.AccessToken getTokenSync(
          com.azure.core.credential.TokenRequestContext request) {
        var t = credential.getTokenSync(request);
        if (t != null) {
          Secrets.remember(t.getToken());
        }
        return t;
      }
    };
  }
}
