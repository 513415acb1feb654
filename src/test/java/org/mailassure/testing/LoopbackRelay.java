package org.mailassure.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server on 127.0.0.1 and an ephemeral port (SubEthaSMTP), speaking STARTTLS or
 * implicit TLS, that keeps what it receives. It serves {@code demo}, the tests and the benchmarks;
 * it never listens beyond loopback.
 */
public final class LoopbackRelay implements AutoCloseable {

  /** A message as the relay received it, with the TLS of the session it came in. */
  public record Received(
      String from, String to, byte[] data, String tlsProtocol, String tlsCipher) {}

  /** How TLS starts, or that it never does (to prove the client refuses). */
  public enum Mode {
    STARTTLS,
    IMPLICIT_TLS,
    NO_TLS
  }

  private final SMTPServer server;
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final List<String> authLines = Collections.synchronizedList(new ArrayList<>());
  private final java.util.concurrent.atomic.AtomicInteger transactions =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger rejected =
      new java.util.concurrent.atomic.AtomicInteger();

  private LoopbackRelay(Builder b) {
    SMTPServer.Builder s =
        SMTPServer.port(b.port)
            .bindAddress(InetAddress.getLoopbackAddress())
            .hostName("relay.loopback")
            .maxConnections(64)
            .connectionTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
            .messageHandler((ctx, from, to, data) -> accept(b, ctx, from, to, data));
    switch (b.mode) {
      case STARTTLS ->
          s.enableTLS().requireTLS().startTlsSocketFactory(socket -> startTls(b, socket));
      case IMPLICIT_TLS ->
          s.serverSocketFactory(
              () -> {
                SSLServerSocket ss =
                    (SSLServerSocket) b.context.getServerSocketFactory().createServerSocket();
                if (b.protocols != null) {
                  ss.setEnabledProtocols(b.protocols);
                }
                return ss;
              });
      case NO_TLS -> s.hideTLS();
    }
    if (b.authenticator != null) {
      s.authenticationHandlerFactory(
              new AuthenticationHandlerFactory() {
                @Override
                public List<String> getAuthenticationMechanisms() {
                  return List.of(b.mechanism);
                }

                @Override
                public AuthenticationHandler create() {
                  return new Auth(b.authenticator);
                }
              })
          .requireAuth();
    }
    this.server = s.build();
  }

  private SSLSocket startTls(Builder b, Socket plain) throws IOException {
    SSLSocket ssl =
        (SSLSocket)
            b.context
                .getSocketFactory()
                .createSocket(
                    plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    ssl.setUseClientMode(false);
    if (b.protocols != null) {
      ssl.setEnabledProtocols(b.protocols);
    }
    return ssl;
  }

  private void accept(Builder b, MessageContext ctx, String from, String to, byte[] data)
      throws RejectException {
    int n = transactions.getAndIncrement();
    if (b.replies != null) {
      RejectException reject = b.replies.apply(n);
      if (reject != null) {
        rejected.incrementAndGet();
        throw reject;
      }
    }
    String protocol = null;
    String cipher = null;
    if (ctx instanceof org.subethamail.smtp.server.Session session
        && session.getSocket() instanceof SSLSocket socket) {
      protocol = socket.getSession().getProtocol();
      cipher = socket.getSession().getCipherSuite();
    }
    received.add(new Received(from, to, data, protocol, cipher));
  }

  /** A started STARTTLS relay with the fixtures' loopback certificate, accepting everything. */
  public static LoopbackRelay starttls() {
    return builder(Mode.STARTTLS).tls(Fixtures.LOOPBACK.serverContext()).build().start();
  }

  /** Starts listening; returns this. */
  public LoopbackRelay start() {
    server.start();
    return this;
  }

  public int port() {
    return server.getPortAllocated();
  }

  /** Everything received so far. */
  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** The raw AUTH responses clients sent, as seen on the wire (for tests of XOAUTH2). */
  public List<String> authLines() {
    synchronized (authLines) {
      return List.copyOf(authLines);
    }
  }

  /** How many transactions were refused with a scripted reply. */
  public int rejected() {
    return rejected.get();
  }

  @Override
  public void close() {
    server.stop();
  }

  public static Builder builder(Mode mode) {
    return new Builder(mode);
  }

  /** Options of a loopback relay. */
  public static final class Builder {
    private final Mode mode;
    private int port;
    private SSLContext context;
    private String[] protocols;
    private String mechanism;
    private Function<String, Boolean> authenticator;
    private Function<Integer, RejectException> replies;

    private Builder(Mode mode) {
      this.mode = mode;
    }

    /** A fixed loopback port instead of an ephemeral one (to bring a relay back where it was). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The server's certificate and key. */
    public Builder tls(SSLContext serverContext) {
      this.context = serverContext;
      return this;
    }

    /** Limits the TLS versions the server offers, e.g. {@code TLSv1.1} only. */
    public Builder protocols(String... protocols) {
      this.protocols = protocols.clone();
      return this;
    }

    /**
     * Requires AUTH with one mechanism; {@code check} sees the decoded initial response and says
     * whether to accept it.
     */
    public Builder auth(String mechanism, Function<String, Boolean> check) {
      this.mechanism = mechanism;
      this.authenticator = check;
      return this;
    }

    /** Scripts the reply to the n-th transaction (from 0): null accepts it. */
    public Builder replies(Function<Integer, RejectException> replies) {
      this.replies = replies;
      return this;
    }

    public LoopbackRelay build() {
      if (mode != Mode.NO_TLS && context == null) {
        throw new IllegalStateException("a TLS relay needs a certificate");
      }
      return new LoopbackRelay(this);
    }
  }

  /** AUTH with one initial response (PLAIN, XOAUTH2): decodes it and asks the check. */
  private final class Auth implements AuthenticationHandler {
    private final Function<String, Boolean> check;
    private String identity;

    Auth(Function<String, Boolean> check) {
      this.check = check;
    }

    @Override
    public Optional<String> auth(String clientInput, MessageContext context)
        throws RejectException {
      String[] parts = clientInput.strip().split(" ");
      String b64 =
          parts.length >= 3
              ? parts[2]
              : (parts.length == 2 && !parts[0].equalsIgnoreCase("AUTH") ? parts[1] : null);
      if (b64 == null) {
        return Optional.of("334 ");
      }
      if (b64.equals("=")) {
        b64 = "";
      }
      String decoded =
          new String(
              java.util.Base64.getDecoder().decode(b64), java.nio.charset.StandardCharsets.UTF_8);
      authLines.add(parts[0].equalsIgnoreCase("AUTH") ? parts[1] + " " + decoded : decoded);
      if (!check.apply(decoded)) {
        throw new RejectException(535, "5.7.8 Authentication unsuccessful");
      }
      identity = decoded;
      return Optional.empty();
    }

    @Override
    public Object getIdentity() {
      return identity;
    }
  }
}
