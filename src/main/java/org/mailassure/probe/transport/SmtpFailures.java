package org.mailassure.probe.transport;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.mailassure.config.SmtpSettings;
import org.mailassure.keys.TlsFault;
import org.mailassure.probe.transport.SendFailure.Kind;
import org.mailassure.text.Words;

/**
 * Reads what went wrong in an SMTP send from Angus Mail's exceptions: the reply code (RFC 5321
 * section 4.2.1: 4yz transient, 5yz permanent), TLS refusals, credentials and network faults.
 */
final class SmtpFailures {
  private static final Pattern GREETING_CODE = Pattern.compile("^([2-5])\\d\\d[ -]");

  private SmtpFailures() {}

  /** What mailassure's own socket saw of the session, read instead of the library's words. */
  record Session(boolean closedByPeer, boolean tlsStarted, String greeting) {
    static final Session UNKNOWN = new Session(false, true, "");

    static Session of(BoundedSocket socket) {
      return socket == null
          ? UNKNOWN
          : new Session(socket.closedByPeer(), socket.tlsWasStarted(), socket.greeting());
    }
  }

  /**
   * @param session what the session's socket saw: a clean EOF (a network fault like a reset, so
   *     temporary), whether TLS started, and the greeting's reply code
   */
  static SendFailure classify(MessagingException e, SmtpSettings s, Session session) {
    boolean closedByPeer = session.closedByPeer();
    String relay = s.host() + ":" + s.port();
    // A bound passed is what happened, wherever it lies in the chain: the TLS layer wraps it in a
    // handshake failure when the flood comes before the handshake has quite finished.
    for (Throwable t = e; t != null; t = next(t)) {
      if (t instanceof BoundedSocket.OverLimit over) {
        return new SendFailure(
            Kind.PERMANENT,
            "the relay " + relay + " " + over.getMessage() + "; mailassure stopped reading",
            null,
            e);
      }
    }
    for (Throwable t = e; t != null; t = next(t)) {
      if (t instanceof AuthenticationFailedException) {
        return new SendFailure(
            Kind.AUTHENTICATION,
            "the relay "
                + relay
                + " refused the credentials ("
                + s.auth().configName()
                + "): "
                + Words.oneLine(t.getMessage()),
            null,
            e);
      }
      int code = replyCode(t);
      if (code > 0) {
        Kind kind = code >= 500 ? Kind.PERMANENT : Kind.TEMPORARY;
        return new SendFailure(
            kind, "the relay " + relay + " replied " + Words.oneLine(t.getMessage()), null, e);
      }
      if (t instanceof SSLException ssl) {
        return tls(ssl, s, relay, e);
      }
      if (t instanceof UnknownHostException) {
        return new SendFailure(
            Kind.PERMANENT,
            "the relay's name "
                + s.host()
                + " did not resolve; check smtp.host (and this machine's DNS)",
            null,
            e);
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new SendFailure(
            Kind.UNREACHABLE,
            "cannot connect to the relay " + relay + ": " + Words.oneLine(t.getMessage()),
            null,
            e);
      }
      if (t instanceof SocketTimeoutException) {
        return new SendFailure(Kind.TEMPORARY, "the relay " + relay + " timed out", null, e);
      }
    }
    String message = String.valueOf(e.getMessage());
    if (closedByPeer) {
      return new SendFailure(
          Kind.TEMPORARY,
          "the relay " + relay + " closed the connection before it replied",
          null,
          e);
    }
    Matcher greeting = GREETING_CODE.matcher(session.greeting());
    if (!session.tlsStarted() && greeting.find() && !greeting.group(1).equals("2")) {
      Kind kind = greeting.group(1).equals("5") ? Kind.PERMANENT : Kind.TEMPORARY;
      return new SendFailure(
          kind,
          "the relay " + relay + " refused the session: " + Words.oneLine(session.greeting()),
          null,
          e);
    }
    if (s.security() == SmtpSettings.Security.STARTTLS
        && !session.tlsStarted()
        && greeting.reset().find()
        && greeting.group(1).equals("2")) {
      return new SendFailure(
          Kind.TLS,
          "the relay "
              + relay
              + " does not offer STARTTLS; mailassure never "
              + "sends in clear, so nothing was sent (use a relay with STARTTLS, or security: implicit-tls)",
          null,
          e);
    }
    if (e.getCause() instanceof IOException) {
      return new SendFailure(
          Kind.TEMPORARY,
          "network fault talking to " + relay + ": " + Words.oneLine(message),
          null,
          e);
    }
    return new SendFailure(
        Kind.PERMANENT, "sending through " + relay + " failed: " + Words.oneLine(message), null, e);
  }

  private static SendFailure tls(
      SSLException ssl, SmtpSettings s, String relay, MessagingException e) {
    String words =
        switch (TlsFault.of(ssl)) {
          case WRONG_NAME -> wrongName(s, relay);
          case EXPIRED ->
              "the certificate of the relay "
                  + relay
                  + " has expired; nothing was sent (the relay's operator must renew it;"
                  + " trusting another CA would not help)";
          case NOT_YET_VALID ->
              "the certificate of the relay "
                  + relay
                  + " is not valid yet; nothing was sent (check this machine's clock and the"
                  + " certificate's start date)";
          case UNTRUSTED ->
              "the certificate of the relay "
                  + relay
                  + " is not trusted; nothing was sent "
                  + "(fix the relay's certificate chain, or give its CA in smtp.trust-store)";
          case PROTOCOL ->
              "the relay "
                  + relay
                  + " offers no TLS version mailassure accepts ("
                  + String.join(", ", s.minTlsVersion().andNewer())
                  + "); nothing was sent (upgrade the relay: TLS below "
                  + "1.2 is deprecated by RFC 8996)";
          case OTHER ->
              "the TLS handshake with the relay "
                  + relay
                  + " failed: "
                  + Words.oneLine(ssl.getMessage())
                  + "; nothing was sent";
        };
    return new SendFailure(Kind.TLS, words, null, e);
  }

  private static String wrongName(SmtpSettings s, String relay) {
    return "the certificate of the relay "
        + relay
        + " is not for the name "
        + s.host()
        + "; nothing was sent "
        + "(set smtp.host to a name the certificate holds)";
  }

  private static int replyCode(Throwable t) {
    if (t instanceof SMTPSendFailedException f) {
      return f.getReturnCode();
    }
    if (t instanceof SMTPAddressFailedException f) {
      return f.getReturnCode();
    }
    if (t instanceof SMTPSenderFailedException f) {
      return f.getReturnCode();
    }
    return -1;
  }

  private static Throwable next(Throwable t) {
    if (t instanceof MessagingException m
        && m.getNextException() != null
        && m.getNextException() != t) {
      return m.getNextException();
    }
    return t.getCause() == t ? null : t.getCause();
  }
}
