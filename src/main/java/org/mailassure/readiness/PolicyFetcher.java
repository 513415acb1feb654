package org.mailassure.readiness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Fetches an MTA-STS policy (RFC 8461 section 3.3): HTTPS to {@code mta-sts.<domain>} at the
 * address the readiness resolvers give, the certificate checked against that host name, no
 * redirects followed, at most 64 KiB. The port and the trust anchors are injected so tests can
 * serve a policy on loopback. Thread-safe.
 */
public final class PolicyFetcher {
  private static final int MAX_BYTES = 64 * 1024;

  private final int port;
  private final SSLContext tls;
  private final Duration timeout;

  /**
   * @param tls the trust for policy hosts' certificates; the JDK's default for real use
   */
  public PolicyFetcher(int port, SSLContext tls, Duration timeout) {
    this.port = port;
    this.tls = tls;
    this.timeout = timeout;
  }

  /** The standard fetcher: port 443 and the JDK's trust store. */
  public static PolicyFetcher standard(Duration timeout) {
    try {
      return new PolicyFetcher(443, SSLContext.getDefault(), timeout);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("TLS is always available", e);
    }
  }

  /** A fetched policy or why there is none. */
  public record Fetched(int status, String contentType, String body, String error) {}

  public Fetched fetch(String host, InetAddress address) {
    int ms = (int) timeout.toMillis();
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(address, port), ms);
      raw.setSoTimeout(ms);
      try (SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true)) {
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        ssl.setSSLParameters(p);
        ssl.startHandshake();
        OutputStream out = ssl.getOutputStream();
        out.write(
            ("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: "
                    + host
                    + "\r\nUser-Agent: mailassure\r\nAccept: text/plain\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return parse(readAll(ssl.getInputStream()));
      }
    } catch (SSLException e) {
      return new Fetched(
          0,
          null,
          null,
          "TLS to "
              + host
              + " failed: "
              + e.getMessage()
              + " (the policy host needs a certificate for "
              + host
              + " from a public CA)");
    } catch (IOException e) {
      return new Fetched(
          0,
          null,
          null,
          "cannot fetch https://" + host + "/.well-known/mta-sts.txt: " + e.getMessage());
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    for (int n; (n = in.read(buf)) > 0 && b.size() <= MAX_BYTES; ) {
      b.write(buf, 0, n);
    }
    return b.toByteArray();
  }

  private static Fetched parse(byte[] response) {
    String text = new String(response, StandardCharsets.UTF_8);
    int split = text.indexOf("\r\n\r\n");
    if (split < 0) {
      return new Fetched(0, null, null, "the policy host sent no complete HTTP response");
    }
    String[] head = text.substring(0, split).split("\r\n");
    String[] statusLine = head[0].split(" ");
    int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
    String type = null;
    boolean chunked = false;
    for (String h : head) {
      String l = h.toLowerCase(Locale.ROOT);
      if (l.startsWith("content-type:")) {
        type = h.substring(h.indexOf(':') + 1).strip();
      } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
        chunked = true;
      }
    }
    String body = text.substring(split + 4);
    if (chunked) {
      StringBuilder b = new StringBuilder();
      int at = 0;
      while (at < body.length()) {
        int eol = body.indexOf("\r\n", at);
        int size = Integer.parseInt(body.substring(at, eol).split(";")[0].strip(), 16);
        if (size == 0) {
          break;
        }
        b.append(body, eol + 2, eol + 2 + size);
        at = eol + 2 + size + 2;
      }
      body = b.toString();
    }
    return new Fetched(status, type, body, null);
  }
}
