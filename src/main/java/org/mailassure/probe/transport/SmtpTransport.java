package org.mailassure.probe.transport;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.mailassure.config.DomainSettings;
import org.mailassure.config.FileChecks;
import org.mailassure.config.SmtpSettings;
import org.mailassure.config.SmtpSettings.Security;
import org.mailassure.graph.AccessTokens;
import org.mailassure.graph.CredentialException;
import org.mailassure.keys.PemCertificates;
import org.mailassure.probe.transport.SendFailure.Kind;

/**
 * Sends probes through an SMTP relay with Angus Mail, never in clear: STARTTLS is required ({@code
 * mail.smtp.starttls.required}) or the session starts in TLS (RFC 8314 implicit TLS); only TLS
 * versions at or above {@code min-tls-version} are enabled; the certificate must chain to the JDK's
 * trust or to {@code trust-store} and name the host. The message bytes are sent exactly as signed.
 *
 * <p>A session that delivered a probe is kept and reused for the next probe to the same relay with
 * the same credentials (RFC 5321 allows many transactions per session), so a batch does not pay a
 * TLS handshake per domain; with per-mailbox credentials (the Exchange Online case) each mailbox
 * keeps its own session. A session that failed is closed, never reused. {@link #close()} ends every
 * kept session. Thread-safe.
 */
public final class SmtpTransport implements ProbeTransport {
  private static final int CONNECT_TIMEOUT_MS = 30_000;
  private static final int IO_TIMEOUT_MS = 60_000;

  private final AccessTokens tokens;
  private final Map<SmtpSettings, SSLContext> contexts = new ConcurrentHashMap<>();
  private final Map<SessionKey, ConcurrentLinkedDeque<Connection>> idle = new ConcurrentHashMap<>();

  /** Sessions are shared only between probes to the same relay as the same user. */
  private record SessionKey(SmtpSettings settings, String user) {}

  /** An open, TLS-protected session and the socket factory that knows its TLS socket. */
  private record Connection(
      SMTPTransport transport,
      Session session,
      TlsSocketFactory sockets,
      BoundedSocketFactory plain) {
    /** The session's bounded TCP socket, or null before it was made. */
    BoundedSocket bounded() {
      return plain.socket();
    }
  }

  /** How long one attempt (connect, or one probe on a kept session) may take in all. */
  static final java.time.Duration ATTEMPT_LIMIT = java.time.Duration.ofMinutes(5);

  /**
   * @param tokens the source of XOAUTH2 tokens; may be null when no domain uses xoauth2
   */
  public SmtpTransport(AccessTokens tokens) {
    this(tokens, ATTEMPT_LIMIT);
  }

  /** With another time limit per attempt (tests of servers that drip their bytes). */
  SmtpTransport(AccessTokens tokens, java.time.Duration attemptLimit) {
    this.tokens = tokens;
    this.attemptLimit = attemptLimit;
  }

  private final java.time.Duration attemptLimit;

  @Override
  public Delivery send(OutgoingProbe probe, DomainSettings domain) throws SendFailure {
    SmtpSettings s = domain.smtp();
    String user =
        s.auth() == SmtpSettings.SmtpAuthKind.NONE
            ? null
            : s.username() != null ? s.username() : domain.sender();
    SessionKey key = new SessionKey(s, user);
    Connection c = borrow(key);
    try {
      if (c == null) {
        c = open(s, user, probe.domain(), true);
      } else if (c.bounded() != null) {
        c.bounded().attempt(attemptLimit);
      }
      SMTPMessage message = new RawMessage(c.session(), probe.mime());
      message.setEnvelopeFrom(probe.sender());
      c.transport().sendMessage(message, new Address[] {new InternetAddress(probe.recipient())});
      SSLSession tls = c.sockets().socket().getSession();
      Delivery delivery =
          new Delivery(
              tls.getProtocol(),
              tls.getCipherSuite(),
              org.mailassure.text.Words.oneLine(c.transport().getLastServerResponse()));
      idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).push(c);
      return delivery;
    } catch (MessagingException e) {
      quietlyClose(c);
      throw SmtpFailures.classify(e, s, SmtpFailures.Session.of(c == null ? null : c.bounded()));
    } catch (SendFailure | RuntimeException e) {
      quietlyClose(c);
      throw e;
    }
  }

  /** A kept session for the key that is still connected, or null. */
  private Connection borrow(SessionKey key) {
    ConcurrentLinkedDeque<Connection> q = idle.get(key);
    for (Connection c = q == null ? null : q.poll(); c != null; c = q.poll()) {
      if (c.transport().isConnected()) {
        return c;
      }
      quietlyClose(c);
    }
    return null;
  }

  private Connection open(SmtpSettings s, String user, String heloDomain, boolean authenticate)
      throws SendFailure, MessagingException {
    BoundedSocketFactory plain =
        new BoundedSocketFactory(java.time.Clock.systemUTC(), IO_TIMEOUT_MS, attemptLimit);
    TlsSocketFactory sockets =
        new TlsSocketFactory(context(s), s.minTlsVersion().andNewer(), plain);
    String protocol = s.security() == Security.IMPLICIT_TLS ? "smtps" : "smtp";
    Properties props = properties(s, protocol, sockets, heloDomain);
    props.put("mail." + protocol + ".socketFactory", plain);
    if (!authenticate) {
      props.put("mail." + protocol + ".auth", "false");
    }
    Session session = Session.getInstance(props);
    String secret = authenticate ? secret(s) : null;
    SMTPTransport transport = (SMTPTransport) session.getTransport(protocol);
    Connection c = new Connection(transport, session, sockets, plain);
    try {
      transport.connect(s.host(), s.port(), secret == null ? null : user, secret);
    } catch (MessagingException e) {
      SmtpFailures.Session seen = SmtpFailures.Session.of(plain.socket());
      quietlyClose(c);
      throw SmtpFailures.classify(e, s, seen);
    }
    SSLSocket socket = sockets.socket();
    if (!transport.isSSL()
        || socket == null
        || socket.getSession() == null
        || !socket.getSession().isValid()) {
      quietlyClose(c);
      throw new SendFailure(
          Kind.TLS,
          "the session with "
              + s.host()
              + ":"
              + s.port()
              + " is not protected by TLS; nothing was sent");
    }
    return c;
  }

  /** What a relay's TLS looks like: protocol, cipher suite and its certificate. */
  public record TlsReport(
      String protocol, String cipher, String subject, java.time.Instant notAfter) {}

  /**
   * Opens a session to the relay as a probe would (STARTTLS or implicit TLS, the same version
   * floor, trust and host-name check), reads the TLS it got, and quits without authenticating or
   * sending anything. For {@code check}.
   */
  public TlsReport inspect(SmtpSettings s, String heloDomain) throws SendFailure {
    Connection c = null;
    try {
      c = open(s, null, heloDomain, false);
      SSLSession tls = c.sockets().socket().getSession();
      java.security.cert.X509Certificate leaf =
          (java.security.cert.X509Certificate) tls.getPeerCertificates()[0];
      return new TlsReport(
          tls.getProtocol(),
          tls.getCipherSuite(),
          leaf.getSubjectX500Principal().getName(),
          leaf.getNotAfter().toInstant());
    } catch (MessagingException e) {
      throw SmtpFailures.classify(e, s, SmtpFailures.Session.UNKNOWN);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      throw new SendFailure(Kind.TLS, "the relay " + s.host() + " presented no certificate");
    } finally {
      quietlyClose(c);
    }
  }

  /** Ends every kept session with QUIT. */
  @Override
  public void close() {
    for (ConcurrentLinkedDeque<Connection> q : idle.values()) {
      for (Connection c = q.poll(); c != null; c = q.poll()) {
        quietlyClose(c);
      }
    }
  }

  private static void quietlyClose(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.transport().close();
    } catch (MessagingException | RuntimeException e) {
      // the session is being dropped either way
    }
  }

  private Properties properties(
      SmtpSettings s, String protocol, TlsSocketFactory sockets, String heloDomain) {
    String prefix = "mail." + protocol + ".";
    Properties p = new Properties();
    p.put(prefix + "host", s.host());
    p.put(prefix + "port", Integer.toString(s.port()));
    p.put(prefix + "connectiontimeout", Integer.toString(CONNECT_TIMEOUT_MS));
    p.put(prefix + "timeout", Integer.toString(IO_TIMEOUT_MS));
    p.put(prefix + "writetimeout", Integer.toString(IO_TIMEOUT_MS));
    p.put(prefix + "localhost", heloDomain);
    p.put(prefix + "ssl.socketFactory", sockets);
    // The host name is checked during the handshake (TlsSocketFactory: endpoint identification),
    // where a mismatch fails with a type of its own; Angus's later check would only repeat it.
    p.put(prefix + "ssl.protocols", String.join(" ", s.minTlsVersion().andNewer()));
    if (s.security() == Security.STARTTLS) {
      p.put(prefix + "starttls.enable", "true");
      p.put(prefix + "starttls.required", "true");
    } else {
      p.put(prefix + "ssl.enable", "true");
    }
    switch (s.auth()) {
      case XOAUTH2 -> {
        p.put(prefix + "auth", "true");
        p.put(prefix + "auth.mechanisms", "XOAUTH2");
      }
      case PASSWORD -> {
        p.put(prefix + "auth", "true");
        p.put(prefix + "auth.mechanisms", "PLAIN LOGIN");
      }
      case NONE -> p.put(prefix + "auth", "false");
    }
    return p;
  }

  private String secret(SmtpSettings s) throws SendFailure {
    return switch (s.auth()) {
      case NONE -> null;
      case PASSWORD -> {
        if (FileChecks.isCredentialPath(s.passwordFile())) {
          throw new SendFailure(
              Kind.AUTHENTICATION,
              "smtp.password-file " + FileChecks.serviceOnly(s.passwordFile()));
        }
        try {
          yield org.mailassure.secrets.Secrets.readFile(s.passwordFile());
        } catch (IOException e) {
          throw new SendFailure(
              Kind.AUTHENTICATION,
              "smtp.password-file "
                  + s.passwordFile()
                  + " cannot be read ("
                  + org.mailassure.text.Words.whyUnreadable(e)
                  + ")");
        }
      }
      case XOAUTH2 -> {
        if (tokens == null) {
          throw new SendFailure(
              Kind.AUTHENTICATION,
              "smtp.auth is xoauth2 but there is no graph.auth to get a token from");
        }
        try {
          yield tokens.smtpToken();
        } catch (CredentialException e) {
          throw new SendFailure(Kind.AUTHENTICATION, e.getMessage());
        }
      }
    };
  }

  private SSLContext context(SmtpSettings s) throws SendFailure {
    try {
      return contexts.computeIfAbsent(s, SmtpTransport::newContext);
    } catch (IllegalStateException e) {
      throw new SendFailure(Kind.TLS, e.getMessage());
    }
  }

  private static SSLContext newContext(SmtpSettings s) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      KeyStore trust = s.trustStore() == null ? null : PemCertificates.trustStore(s.trustStore());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "smtp.trust-store " + s.trustStore() + " cannot be used: " + e.getMessage());
    }
  }

  /** A message whose bytes go on the wire exactly as given, so DKIM signatures stay valid. */
  private static final class RawMessage extends SMTPMessage {
    private final byte[] bytes;

    RawMessage(Session session, byte[] bytes) throws MessagingException {
      super(session, new ByteArrayInputStream(bytes));
      this.bytes = bytes;
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
      os.write(bytes);
    }

    @Override
    public void writeTo(OutputStream os) throws IOException {
      os.write(bytes);
    }
  }
}
