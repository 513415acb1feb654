package org.mailassure.probe.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import javax.net.SocketFactory;

/**
 * Hands Angus Mail a {@link BoundedSocket} for the plain TCP connection of one session (the
 * STARTTLS case: Angus asks a plain factory for an unconnected socket, connects it, and later
 * layers TLS on it) and remembers it. One instance per session.
 */
final class BoundedSocketFactory extends SocketFactory {
  private final Clock clock;
  private final int ioTimeoutMs;
  private final Duration attemptLimit;
  private volatile BoundedSocket last;

  BoundedSocketFactory(Clock clock, int ioTimeoutMs, Duration attemptLimit) {
    this.clock = clock;
    this.ioTimeoutMs = ioTimeoutMs;
    this.attemptLimit = attemptLimit;
  }

  /** The socket of this session, or null before it was made. */
  BoundedSocket socket() {
    return last;
  }

  @Override
  public Socket createSocket() {
    return wrap(new Socket());
  }

  /** A socket Angus already made (implicit TLS), watched from here on. */
  BoundedSocket wrap(Socket socket) {
    BoundedSocket s = new BoundedSocket(socket, clock, ioTimeoutMs);
    s.attempt(attemptLimit);
    last = s;
    return s;
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    throw new IOException("mailassure connects its SMTP sockets itself");
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    throw new IOException("mailassure connects its SMTP sockets itself");
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    throw new IOException("mailassure connects its SMTP sockets itself");
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    throw new IOException("mailassure connects its SMTP sockets itself");
  }
}
