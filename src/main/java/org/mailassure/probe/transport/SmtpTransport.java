package org.mailassure.probe.transport;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.mailassure.config.DomainSettings;
import org.mailassure.config.SmtpSettings;
import org.mailassure.config.SmtpSettings.Security;
import org.mailassure.graph.AccessTokens;
import org.mailassure.graph.CredentialException;
import org.mailassure.keys.PemCertificates;
import org.mailassure.probe.transport.SendFailure.Kind;

/**
 * Sends probes through an SMTP relay with Angus Mail, never in clear: STARTTLS is required
 * ({@code mail.smtp.starttls.required}) or the session starts in TLS (RFC 8314 implicit TLS);
 * only TLS versions at or above {@code min-tls-version} are enabled; the certificate must chain to
 * the JDK's trust or to {@code trust-store} and name the host. The message bytes are sent exactly
 * as signed. Thread-safe: each send opens its own connection.
 */
public final class SmtpTransport implements ProbeTransport {
  private static final int CONNECT_TIMEOUT_MS = 30_000;
  private static final int IO_TIMEOUT_MS = 60_000;

  private final AccessTokens tokens;
  private final Map<SmtpSettings, SSLContext> contexts = new ConcurrentHashMap<>();

  /** @param tokens the source of XOAUTH2 tokens; may be null when no domain uses xoauth2 */
  public SmtpTransport(AccessTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public Delivery send(OutgoingProbe probe, DomainSettings domain) throws SendFailure {
    SmtpSettings s = domain.smtp();
    TlsSocketFactory sockets = new TlsSocketFactory(context(s), s.minTlsVersion().andNewer());
    boolean implicit = s.security() == Security.IMPLICIT_TLS;
    String protocol = implicit ? "smtps" : "smtp";
    Properties p = properties(s, protocol, sockets, probe);
    Session session = Session.getInstance(p);
    String user = s.username() != null ? s.username() : domain.sender();
    String secret = secret(s);
    try (SMTPTransport transport = (SMTPTransport) session.getTransport(protocol)) {
      transport.connect(s.host(), s.port(), secret == null ? null : user, secret);
      SSLSocket socket = sockets.socket();
      if (!transport.isSSL() || socket == null || socket.getSession() == null
          || !socket.getSession().isValid()) {
        throw new SendFailure(Kind.TLS, "the session with " + s.host() + ":" + s.port()
            + " is not protected by TLS; nothing was sent");
      }
      transport.sendMessage(new RawMessage(session, probe.mime()),
          new Address[] {new InternetAddress(probe.recipient())});
      SSLSession tls = socket.getSession();
      return new Delivery(tls.getProtocol(), tls.getCipherSuite(), SmtpFailures.oneLine(transport.getLastServerResponse()));
    } catch (MessagingException e) {
      throw SmtpFailures.classify(e, s);
    }
  }

  private Properties properties(SmtpSettings s, String protocol, TlsSocketFactory sockets, OutgoingProbe probe) {
    String prefix = "mail." + protocol + ".";
    Properties p = new Properties();
    p.put(prefix + "host", s.host());
    p.put(prefix + "port", Integer.toString(s.port()));
    p.put(prefix + "connectiontimeout", Integer.toString(CONNECT_TIMEOUT_MS));
    p.put(prefix + "timeout", Integer.toString(IO_TIMEOUT_MS));
    p.put(prefix + "writetimeout", Integer.toString(IO_TIMEOUT_MS));
    p.put(prefix + "from", probe.sender());
    p.put(prefix + "localhost", probe.domain());
    p.put(prefix + "ssl.socketFactory", sockets);
    p.put(prefix + "ssl.checkserveridentity", "true");
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
        try {
          yield Files.readString(s.passwordFile(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          throw new SendFailure(Kind.AUTHENTICATION, "smtp.password-file " + s.passwordFile()
              + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
      }
      case XOAUTH2 -> {
        if (tokens == null) {
          throw new SendFailure(Kind.AUTHENTICATION, "smtp.auth is xoauth2 but there is no graph.auth to get a token from");
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
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      KeyStore trust = s.trustStore() == null ? null : PemCertificates.trustStore(s.trustStore());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("smtp.trust-store " + s.trustStore() + " cannot be used: " + e.getMessage());
    }
  }

  /** A message whose bytes go on the wire exactly as given, so DKIM signatures stay valid. */
  private static final class RawMessage extends MimeMessage {
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
