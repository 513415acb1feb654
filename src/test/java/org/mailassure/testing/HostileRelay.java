package org.mailassure.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP server on 127.0.0.1 written to misbehave at one stage, for the hostile-server tests: it
 * closes the connection cleanly (EOF) at the greeting or after the message's data, or sends a
 * greeting line that never ends. Otherwise it speaks just enough ESMTP with STARTTLS (RFC 3207) to
 * reach that stage. One connection at a time; counts connections.
 */
public final class HostileRelay implements AutoCloseable {
  /** Where it misbehaves. */
  public enum Misbehaviour {
    EOF_AT_GREETING,
    EOF_AFTER_DATA,
    ENDLESS_GREETING_LINE,
    /** Implicit TLS (RFC 8314): the endless greeting comes inside the TLS session. */
    ENDLESS_GREETING_LINE_OVER_TLS,
    /** A greeting sent one byte every 200 ms, never finished. */
    DRIP_FEED,
    EOF_AFTER_EHLO,
    EOF_AFTER_STARTTLS,
    EOF_AFTER_MAIL_FROM,
    /** Greets with 421 (RFC 5321 §3.8: service not available, try later) and closes. */
    GREETING_421,
    /** Greets with 554 (RFC 5321 §3.1: no SMTP service here) and closes. */
    GREETING_554
  }

  private final ServerSocket server;
  private final SSLContext tls;
  private final Misbehaviour how;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger endlessBytes = new AtomicInteger();
  private final Thread thread;

  public HostileRelay(SSLContext tls, Misbehaviour how) throws IOException {
    this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    this.tls = tls;
    this.how = how;
    this.thread = new Thread(this::serve, "hostile-relay");
    thread.setDaemon(true);
    thread.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** How many bytes of the endless line were written before the client stopped reading. */
  public int endlessBytes() {
    return endlessBytes.get();
  }

  /** How many connections were accepted. */
  public int connections() {
    return connections.get();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        connections.incrementAndGet();
        s.setSoTimeout(30_000);
        session(s);
      } catch (IOException e) {
        // the client went away or the server is closing: take the next one
      }
    }
  }

  private void session(Socket plain) throws IOException {
    OutputStream out = plain.getOutputStream();
    if (how == Misbehaviour.ENDLESS_GREETING_LINE_OVER_TLS) {
      SSLSocket s =
          (SSLSocket)
              tls.getSocketFactory()
                  .createSocket(
                      plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
      s.setUseClientMode(false);
      s.startHandshake();
      out = s.getOutputStream();
    }
    switch (how) {
      case EOF_AT_GREETING -> {
        return; // closed by try-with-resources: a clean FIN before any byte
      }
      case ENDLESS_GREETING_LINE, ENDLESS_GREETING_LINE_OVER_TLS -> {
        out.write("220 ".getBytes(StandardCharsets.US_ASCII));
        byte[] xs = new byte[8192];
        java.util.Arrays.fill(xs, (byte) 'x');
        // Until the client gives up (or 256 MiB, so a broken client cannot hold the test forever).
        for (int i = 0; i < 32_768; i++) {
          out.write(xs);
          endlessBytes.addAndGet(xs.length);
        }
        return;
      }
      case GREETING_421 -> {
        write(out, "421 4.3.2 hostile.loopback busy, try again later");
        return;
      }
      case GREETING_554 -> {
        write(out, "554 5.7.1 hostile.loopback has no service for you");
        return;
      }
      case DRIP_FEED -> {
        try {
          for (byte b :
              "220 slow.loopback ESMTP and so on and on"
                  .repeat(100)
                  .getBytes(StandardCharsets.US_ASCII)) {
            out.write(b);
            out.flush();
            Thread.sleep(200);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      default -> {}
    }
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
    write(out, "220 hostile.loopback ESMTP");
    expect(in, "EHLO");
    if (how == Misbehaviour.EOF_AFTER_EHLO) {
      return;
    }
    write(out, "250-hostile.loopback\r\n250 STARTTLS");
    expect(in, "STARTTLS");
    write(out, "220 go ahead");
    SSLSocket s =
        (SSLSocket)
            tls.getSocketFactory()
                .createSocket(
                    plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    s.setUseClientMode(false);
    s.startHandshake();
    if (how == Misbehaviour.EOF_AFTER_STARTTLS) {
      s.close();
      return;
    }
    out = s.getOutputStream();
    in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    expect(in, "EHLO");
    write(out, "250 hostile.loopback");
    for (String line; (line = in.readLine()) != null; ) {
      String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
      if (verb.equals("MAIL") && how == Misbehaviour.EOF_AFTER_MAIL_FROM) {
        s.close();
        return;
      }
      switch (verb) {
        case "MAIL", "RCPT", "RSET", "NOOP" -> write(out, "250 ok");
        case "DATA" -> {
          write(out, "354 go on");
          for (String l; (l = in.readLine()) != null && !l.equals("."); ) {
            // the message
          }
          s.close(); // EOF_AFTER_DATA: the message is never acknowledged
          return;
        }
        case "QUIT" -> {
          write(out, "221 bye");
          return;
        }
        default -> write(out, "502 no");
      }
    }
  }

  private static void expect(BufferedReader in, String verb) throws IOException {
    String line = in.readLine();
    if (line == null || !line.toUpperCase(Locale.ROOT).startsWith(verb)) {
      throw new IOException("expected " + verb + ", got " + line);
    }
  }

  private static void write(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
