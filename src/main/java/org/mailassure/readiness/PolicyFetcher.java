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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.mailassure.keys.TlsFault;

/**
 * Fetches an MTA-STS policy (RFC 8461 section 3.3): HTTPS to {@code mta-sts.<domain>} at the
 * address the readiness resolvers give, the certificate checked against that host name, no
 * redirects followed, at most 64 KiB. The whole fetch (connect, handshake, request, answer) has one
 * deadline, the configured timeout: a server that sends a byte just before each read would time out
 * is cut off when it passes, not after 64 KiB of reads. An answer that is not well-formed HTTP
 * (status line, headers, chunks) is a failure with the reason, never an exception. The port and the
 * trust anchors are injected so tests can serve a policy on loopback. Thread-safe.
 */
public final class PolicyFetcher {
  // Compiled once: an answer's status line and framing are checked on every fetch.
  private static final Pattern HTTP_VERSION = Pattern.compile("HTTP/1\\.[01]");
  private static final Pattern STATUS_CODE = Pattern.compile("[1-5][0-9][0-9]");
  private static final Pattern CONTENT_LENGTH = Pattern.compile("[0-9]{1,9}");
  private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9A-Fa-f]{1,6}");

  static final int MAX_BYTES = 64 * 1024;

  /** Closes the sockets of fetches that pass their deadline; one daemon thread for all. */
  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "mta-sts-deadline");
            t.setDaemon(true);
            return t;
          });

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

  /**
   * A fetched policy or why there is none: {@code error} says what went wrong, {@code fix} (null
   * when the usual fix, serving the policy, applies) what to do about it.
   */
  public record Fetched(int status, String contentType, String body, String error, String fix) {
    static Fetched failed(String error) {
      return new Fetched(0, null, null, error, null);
    }

    static Fetched failed(String error, String fix) {
      return new Fetched(0, null, null, error, fix);
    }
  }

  /** An answer that is not the HTTP it claims to be. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  public Fetched fetch(String host, InetAddress address) {
    return fetch(host, List.of(address));
  }

  /**
   * Fetches the policy from the first of the host's addresses that accepts a connection, as an
   * HTTPS client does: one that refuses or cannot be reached is passed over for the next, each
   * given an even share of what is left of the one deadline. A TLS or HTTP failure is the answer.
   */
  public Fetched fetch(String host, List<InetAddress> addresses) {
    String url = "https://" + host + "/.well-known/mta-sts.txt";
    long ms = Math.max(1, timeout.toMillis());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    AtomicBoolean expired = new AtomicBoolean();
    AtomicReference<Socket> current = new AtomicReference<>();
    ScheduledFuture<?> guard =
        DEADLINES.schedule(
            () -> {
              expired.set(true);
              closeQuietly(current.get());
            },
            ms,
            TimeUnit.MILLISECONDS);
    try (Socket raw = connect(addresses, current, expired, deadline)) {
      raw.setSoTimeout(remaining(deadline));
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
                    + "\r\nUser-Agent: mailassure\r\nAccept: text/plain\r\nAccept-Encoding: gzip\r\n"
                    + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] answer = readAll(ssl, ssl.getInputStream(), deadline);
        if (answer == null) {
          return Fetched.failed(
              url + " answered with more than " + (MAX_BYTES >> 10) + " KiB; not read further");
        }
        return parse(answer);
      }
    } catch (Malformed e) {
      return Fetched.failed(url + " did not answer in HTTP: " + e.getMessage());
    } catch (IOException e) {
      if (expired.get() || e instanceof java.net.SocketTimeoutException) {
        return Fetched.failed(
            url
                + " did not answer within "
                + ms
                + " ms (readiness.timeout), counting connection, TLS and the whole answer");
      }
      if (e instanceof SSLException) {
        return tlsFailed(host, e);
      }
      return Fetched.failed(
          "cannot fetch "
              + url
              + (addresses.size() > 1 ? " from any of its " + addresses.size() + " addresses" : "")
              + ": "
              + e.getMessage());
    } finally {
      guard.cancel(false);
    }
  }

  /**
   * A refused handshake in the words of RFC 8461 section 3.3: the policy host's certificate "MUST
   * be valid for the mta-sts host, chain to a root CA that is trusted by the sending MTA, and be
   * non-expired", or senders take no policy. Read from the exception's types (never its class
   * names); only an unclassified fault shows the JDK's own words.
   */
  private static Fetched tlsFailed(String host, IOException e) {
    String refused = ", so senders take no policy from it (RFC 8461 section 3.3)";
    String publicCa = "give " + host + " a certificate for that name from a public CA";
    return switch (TlsFault.of(e)) {
      case WRONG_NAME ->
          Fetched.failed(
              "the certificate of " + host + " is not for that name" + refused,
              publicCa + " (or add the name to the one it has)");
      case EXPIRED ->
          Fetched.failed(
              "the certificate of " + host + " has expired" + refused,
              "renew the certificate of " + host);
      case NOT_YET_VALID ->
          Fetched.failed(
              "the certificate of " + host + " is not valid yet" + refused,
              "check this machine's clock and the certificate's start date");
      case UNTRUSTED ->
          Fetched.failed(
              "the certificate of "
                  + host
                  + " does not chain to a trusted CA (self-signed, a private CA, or its"
                  + " intermediate certificate not sent)"
                  + refused,
              publicCa + ", and serve it with its intermediate certificates");
      case PROTOCOL ->
          Fetched.failed(
              host + " offers neither TLS 1.3 nor TLS 1.2" + refused,
              "enable TLS 1.2 and 1.3 on " + host);
      case OTHER ->
          Fetched.failed(
              "TLS to "
                  + host
                  + " failed: "
                  + (e.getMessage() == null
                      ? "no reason given"
                      : org.mailassure.text.Words.oneLine(e.getMessage())),
              "give " + host + " HTTPS with a certificate for that name from a public CA");
    };
  }

  /**
   * A connection to the first address that takes one. The guard closes whichever socket is being
   * connected when the deadline passes; one made after it fired is closed here.
   */
  private Socket connect(
      List<InetAddress> addresses,
      AtomicReference<Socket> current,
      AtomicBoolean expired,
      long deadline)
      throws IOException {
    IOException last = null;
    for (int i = 0; i < addresses.size(); i++) {
      Socket s = new Socket();
      current.set(s);
      if (expired.get()) {
        s.close();
        throw new java.net.SocketTimeoutException("deadline passed");
      }
      try {
        int share = Math.max(1, remaining(deadline) / (addresses.size() - i));
        s.connect(new InetSocketAddress(addresses.get(i), port), share);
        return s;
      } catch (IOException e) {
        s.close();
        if (expired.get()) {
          throw e;
        }
        last = e;
      }
    }
    // Made only when needed: an exception fills in its stack trace, on every fetch otherwise.
    throw last != null ? last : new java.net.ConnectException("no address to connect to");
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Closing is all the guard does; the fetch reports the deadline.
      }
    }
  }

  private static int remaining(long deadline) throws java.net.SocketTimeoutException {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new java.net.SocketTimeoutException("deadline passed");
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  /** The whole answer, or null when it is longer than {@link #MAX_BYTES} and its headers. */
  private static byte[] readAll(Socket socket, InputStream in, long deadline) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (true) {
      socket.setSoTimeout(remaining(deadline));
      int n = in.read(buf);
      if (n < 0) {
        return b.toByteArray();
      }
      b.write(buf, 0, n);
      if (b.size() > MAX_BYTES + 8192) {
        return null;
      }
    }
  }

  /** Reads a complete HTTP/1.x answer: status line, headers, and a plain or chunked body. */
  static Fetched parse(byte[] response) throws Malformed {
    String text = new String(response, StandardCharsets.ISO_8859_1);
    int split;
    String[] head;
    int status;
    int interim = 0;
    while (true) {
      split = text.indexOf("\r\n\r\n");
      if (split < 0) {
        throw new Malformed("the answer ends before its headers do (no empty line after them)");
      }
      head = text.substring(0, split).split("\r\n", -1);
      String[] statusLine = head[0].split(" ", 3);
      if (statusLine.length < 2
          || !HTTP_VERSION.matcher(statusLine[0]).matches()
          || !STATUS_CODE.matcher(statusLine[1]).matches()) {
        throw new Malformed("the status line is '" + printable(head[0]) + "'");
      }
      status = Integer.parseInt(statusLine[1]);
      // RFC 9110 section 15.2: "A client MUST be able to parse one or more 1xx responses received
      // prior to a final response, even if the client does not expect one" (103 Early Hints, say);
      // 101 switches protocols, which this request never asks for.
      if (status < 100 || status > 199 || status == 101) {
        break;
      }
      if (++interim > MAX_INTERIM) {
        throw new Malformed(
            "more than " + MAX_INTERIM + " interim (1xx) answers before a final one");
      }
      text = text.substring(split + 4);
    }
    String type = null;
    String transferCodings = null;
    String contentCodings = null;
    long length = -1;
    for (int i = 1; i < head.length; i++) {
      String h = head[i];
      int colon = h.indexOf(':');
      if (colon <= 0 || h.charAt(0) == ' ' || h.charAt(0) == '\t') {
        throw new Malformed("a header line is '" + printable(h) + "'");
      }
      String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).strip();
      switch (name) {
        case "content-type" -> type = value;
        // Each a list, and a field given twice is one list (RFC 9110 section 5.3).
        case "transfer-encoding" ->
            transferCodings = transferCodings == null ? value : transferCodings + "," + value;
        case "content-encoding" ->
            contentCodings = contentCodings == null ? value : contentCodings + "," + value;
        case "content-length" -> {
          if (!CONTENT_LENGTH.matcher(value).matches()) {
            throw new Malformed("Content-Length is '" + printable(value) + "'");
          }
          // RFC 9112 section 6.3: an invalid Content-Length makes the framing invalid, and the
          // response is discarded; two that differ cannot both be the body's length.
          if (length >= 0 && length != Long.parseLong(value)) {
            throw new Malformed("it has two Content-Lengths, " + length + " and " + value);
          }
          length = Long.parseLong(value);
        }
        default -> {}
      }
    }
    byte[] body = text.substring(split + 4).getBytes(StandardCharsets.ISO_8859_1);
    List<String> transfer = codings(transferCodings);
    if (!transfer.isEmpty()) {
      // RFC 9112 section 6.3: Transfer-Encoding overrides Content-Length; when chunked is not the
      // final coding the body runs to the end of the connection, which is what was read.
      body = decode(body, transfer, "transfer");
    } else if (length >= 0) {
      if (body.length < length) {
        throw new Malformed("the body ends after " + body.length + " of its " + length + " bytes");
      }
      body = java.util.Arrays.copyOf(body, (int) length);
    }
    body = decode(body, codings(contentCodings), "content");
    if (body.length > MAX_BYTES) {
      throw new Malformed("the body is longer than " + (MAX_BYTES >> 10) + " KiB");
    }
    return new Fetched(status, type, new String(body, StandardCharsets.UTF_8), null, null);
  }

  /** The codings a Transfer-Encoding or Content-Encoding names, in order, lower-case. */
  private static List<String> codings(String value) {
    if (value == null) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    for (String c : value.split(",")) {
      String name = c.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!name.isEmpty()) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * The body with its codings undone, the last applied first. The request asks for gzip, as the
   * HTTP clients of senders do (Go's, aiohttp's), so a policy served gzip-compressed is read as
   * they read it: chunked (RFC 9112 section 7.1), gzip and deflate (RFC 9110 section 8.4.1); a
   * coding no client is asked to understand is named. Decoded, the body is bounded as the raw one.
   */
  private static byte[] decode(byte[] body, List<String> codings, String kind) throws Malformed {
    for (int i = codings.size() - 1; i >= 0; i--) {
      String coding = codings.get(i);
      body =
          switch (coding) {
            case "chunked" -> {
              if (kind.equals("content")) {
                throw new Malformed("Content-Encoding names chunked, a transfer coding");
              }
              yield dechunk(new String(body, StandardCharsets.ISO_8859_1))
                  .getBytes(StandardCharsets.ISO_8859_1);
            }
            case "gzip", "x-gzip", "deflate" -> inflate(body, coding, kind);
            case "identity" -> body;
            default ->
                throw new Malformed(
                    "its "
                        + kind
                        + " coding is '"
                        + printable(coding)
                        + "', which mailassure did not ask for and does not decode (it asks"
                        + " for gzip or none)");
          };
    }
    return body;
  }

  /**
   * A gzip or deflate body decompressed, at most {@link #MAX_BYTES}: a few compressed kilobytes can
   * stand for gigabytes. "deflate" is the zlib format (RFC 9110 section 8.4.1.2), though some
   * servers send raw deflate, which HTTP clients read as well.
   */
  private static byte[] inflate(byte[] body, String coding, String kind) throws Malformed {
    if (!coding.equals("deflate")) {
      try (InputStream in =
          new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
        return bounded(in, coding);
      } catch (IOException e) {
        throw corrupt(coding, kind);
      }
    }
    for (boolean raw : new boolean[] {false, true}) {
      java.util.zip.Inflater inflater = new java.util.zip.Inflater(raw);
      try (InputStream in =
          new java.util.zip.InflaterInputStream(new java.io.ByteArrayInputStream(body), inflater)) {
        return bounded(in, coding);
      } catch (IOException e) {
        // Not zlib: raw deflate next, then corrupt.
      } finally {
        inflater.end();
      }
    }
    throw corrupt(coding, kind);
  }

  private static byte[] bounded(InputStream in, String coding) throws IOException, Malformed {
    byte[] out = in.readNBytes(MAX_BYTES + 1);
    if (out.length > MAX_BYTES) {
      throw new Malformed(
          "its " + coding + " body decompresses to more than " + (MAX_BYTES >> 10) + " KiB");
    }
    return out;
  }

  private static Malformed corrupt(String coding, String kind) {
    return new Malformed(
        "its "
            + kind
            + " coding is "
            + coding
            + ", and the body is not "
            + coding
            + " (corrupt or cut short)");
  }

  /** Interim (1xx) answers skipped before the final one; more is not a web server's doing. */
  private static final int MAX_INTERIM = 5;

  /** A chunked body (RFC 9112 section 7.1), its chunk extensions and trailers ignored. */
  private static String dechunk(String body) throws Malformed {
    StringBuilder b = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = body.indexOf("\r\n", at);
      if (eol < 0) {
        throw new Malformed("the chunked body ends inside a chunk's size line");
      }
      String sizeText = body.substring(at, eol).split(";", 2)[0].strip();
      if (!CHUNK_SIZE.matcher(sizeText).matches()) {
        throw new Malformed("a chunk's size is '" + printable(sizeText) + "'");
      }
      int size = Integer.parseInt(sizeText, 16);
      if (size == 0) {
        return b.toString();
      }
      int start = eol + 2;
      if (start + size + 2 > body.length() || !body.startsWith("\r\n", start + size)) {
        throw new Malformed("a chunk of " + size + " bytes is cut short or not ended by CRLF");
      }
      b.append(body, start, start + size);
      if (b.length() > MAX_BYTES) {
        throw new Malformed("the body is longer than " + (MAX_BYTES >> 10) + " KiB");
      }
      at = start + size + 2;
    }
  }

  /** At most 60 characters of what the server sent, control characters shown as '?'. */
  private static String printable(String s) {
    return org.mailassure.text.Words.cut(s, 60).replaceAll("[\\p{Cntrl}]", "?");
  }
}
