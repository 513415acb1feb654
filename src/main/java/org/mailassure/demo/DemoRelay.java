package org.mailassure.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * The demo's relay: a real SMTP server (SubEthaSMTP) on 127.0.0.1 and an ephemeral port that
 * requires STARTTLS and keeps what it receives, with the TLS of the session it came in. It never
 * listens beyond loopback. Thread-safe.
 */
final class DemoRelay implements AutoCloseable {

  /** A message as the relay received it. */
  record Received(String from, byte[] data, String tlsProtocol, String tlsCipher) {}

  private final SMTPServer server;
  private final List<Received> received = new ArrayList<>();

  DemoRelay(SSLContext tls) {
    this.server =
        SMTPServer.port(0)
            .bindAddress(InetAddress.getLoopbackAddress())
            .hostName("relay.demo.loopback")
            .connectionTimeout(30, TimeUnit.SECONDS)
            .enableTLS()
            .requireTLS()
            .startTlsSocketFactory(socket -> startTls(tls, socket))
            .messageHandler(this::accept)
            .build();
    server.start();
  }

  private static SSLSocket startTls(SSLContext tls, Socket plain) throws IOException {
    SSLSocket ssl =
        (SSLSocket)
            tls.getSocketFactory()
                .createSocket(
                    plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    ssl.setUseClientMode(false);
    return ssl;
  }

  private void accept(MessageContext ctx, String from, String to, byte[] data) {
    String protocol = null;
    String cipher = null;
    if (ctx instanceof Session session && session.getSocket() instanceof SSLSocket socket) {
      protocol = socket.getSession().getProtocol();
      cipher = socket.getSession().getCipherSuite();
    }
    synchronized (received) {
      received.add(new Received(from, data, protocol, cipher));
    }
  }

  int port() {
    return server.getPortAllocated();
  }

  /** Everything received so far. */
  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
