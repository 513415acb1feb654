package org.mailassure.probe.transport;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The TCP socket under every SMTP session, so that nothing a relay sends can exhaust memory or
 * time. Every byte read passes through it (TLS records too: the TLS socket is layered on this one),
 * so it bounds a session's bytes in total ({@link #MAX_SESSION_BYTES}), a line before TLS starts
 * ({@link #MAX_LINE_BYTES}; RFC 5321 §4.5.3.1.5 allows 512 octets to a reply line), and each
 * attempt's time (the read timeout shrinks to what is left of the attempt's deadline, so a server
 * that drips a byte at a time is cut off too). It also remembers whether the relay closed the
 * connection (a clean EOF), which the classification reads instead of the library's message text.
 */
final class BoundedSocket extends Socket {
  private final Socket delegate;
  static final long MAX_SESSION_BYTES = 8L << 20;
  static final int MAX_LINE_BYTES = 64 << 10;

  /** The relay sent more than a bound allows; the message says which. */
  static final class OverLimit extends IOException {
    private static final long serialVersionUID = 1L;

    OverLimit(String message) {
      super(message);
    }
  }

  private final Clock clock;
  private final int ioTimeoutMs;
  private volatile Instant deadline = Instant.MAX;
  private volatile boolean tlsStarted;
  private volatile boolean closedByPeer;
  private final StringBuilder firstLine = new StringBuilder();
  private volatile boolean firstLineDone;
  private InputStream in;

  /**
   * @param delegate the TCP socket itself: a new one for Angus to connect (STARTTLS), or the one
   *     Angus connected (implicit TLS), which this one then stands in for under the TLS layer
   */
  BoundedSocket(Socket delegate, Clock clock, int ioTimeoutMs) {
    this.delegate = delegate;
    this.clock = clock;
    this.ioTimeoutMs = ioTimeoutMs;
  }

  /** Starts an attempt: reads after {@code limit} from now fail as timed out. */
  void attempt(Duration limit) {
    deadline = clock.instant().plus(limit);
  }

  /** From here on the bytes are TLS records: only the session's total is bounded. */
  void tlsStarted() {
    tlsStarted = true;
  }

  /** Whether TLS was layered on this socket. */
  boolean tlsWasStarted() {
    return tlsStarted;
  }

  /** The relay's first line (its greeting), as far as it came, at most 512 characters. */
  String greeting() {
    synchronized (firstLine) {
      return firstLine.toString().strip();
    }
  }

  /** Whether the relay ended the connection (read returned end of stream). */
  boolean closedByPeer() {
    return closedByPeer;
  }

  @Override
  public synchronized InputStream getInputStream() throws IOException {
    if (in == null) {
      in = new Bounded(delegate.getInputStream());
    }
    return in;
  }

  // Everything else is the delegate's: this socket only watches what comes in.

  @Override
  public void connect(java.net.SocketAddress endpoint, int timeout) throws IOException {
    delegate.connect(endpoint, timeout);
  }

  @Override
  public void connect(java.net.SocketAddress endpoint) throws IOException {
    delegate.connect(endpoint);
  }

  @Override
  public java.io.OutputStream getOutputStream() throws IOException {
    return delegate.getOutputStream();
  }

  @Override
  public void setSoTimeout(int timeout) throws java.net.SocketException {
    delegate.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws java.net.SocketException {
    return delegate.getSoTimeout();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws java.net.SocketException {
    delegate.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws java.net.SocketException {
    return delegate.getTcpNoDelay();
  }

  @Override
  public void setKeepAlive(boolean on) throws java.net.SocketException {
    delegate.setKeepAlive(on);
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws java.net.SocketException {
    delegate.setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws java.net.SocketException {
    return delegate.getSoLinger();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public void shutdownInput() throws IOException {
    delegate.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    delegate.shutdownOutput();
  }

  @Override
  public boolean isConnected() {
    return delegate.isConnected();
  }

  @Override
  public boolean isBound() {
    return delegate.isBound();
  }

  @Override
  public boolean isClosed() {
    return delegate.isClosed();
  }

  @Override
  public boolean isInputShutdown() {
    return delegate.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    return delegate.isOutputShutdown();
  }

  @Override
  public java.net.InetAddress getInetAddress() {
    return delegate.getInetAddress();
  }

  @Override
  public java.net.InetAddress getLocalAddress() {
    return delegate.getLocalAddress();
  }

  @Override
  public int getPort() {
    return delegate.getPort();
  }

  @Override
  public int getLocalPort() {
    return delegate.getLocalPort();
  }

  @Override
  public java.net.SocketAddress getRemoteSocketAddress() {
    return delegate.getRemoteSocketAddress();
  }

  @Override
  public java.net.SocketAddress getLocalSocketAddress() {
    return delegate.getLocalSocketAddress();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  /**
   * A bound passed: the TCP connection is closed at once, so that nothing read afterwards (by the
   * TLS layer's own close, which may read on until the peer's close_notify) is taken from the
   * relay, and a relay that keeps sending has its writes refused rather than filling the kernel's
   * buffers.
   */
  private OverLimit overLimit(String message) {
    try {
      delegate.close();
    } catch (IOException ignored) {
      // Closing is only to stop the relay; the bound passed is what is reported.
    }
    return new OverLimit(message);
  }

  private final class Bounded extends FilterInputStream {
    private long total;
    private int line;

    Bounded(InputStream raw) {
      super(raw);
    }

    private void beforeRead() throws IOException {
      long left = Duration.between(clock.instant(), deadline).toMillis();
      if (left <= 0) {
        throw new SocketTimeoutException("the attempt's time ran out");
      }
      setSoTimeout((int) Math.min(ioTimeoutMs, left));
    }

    private void account(byte[] b, int off, int n) throws OverLimit {
      if (n < 0) {
        closedByPeer = true;
        return;
      }
      total += n;
      if (total > MAX_SESSION_BYTES) {
        throw overLimit("sent more than " + (MAX_SESSION_BYTES >> 20) + " MiB in one session");
      }
      if (!tlsStarted) {
        for (int i = off; i < off + n; i++) {
          if (!firstLineDone) {
            synchronized (firstLine) {
              if (b[i] == '\n' || firstLine.length() >= 512) {
                firstLineDone = true;
              } else {
                firstLine.append((char) (b[i] & 0xff));
              }
            }
          }
          line = b[i] == '\n' ? 0 : line + 1;
          if (line > MAX_LINE_BYTES) {
            throw overLimit("sent more than " + MAX_LINE_BYTES + " bytes without ending the line");
          }
        }
      }
    }

    @Override
    public int read() throws IOException {
      beforeRead();
      int c = super.read();
      if (c < 0) {
        closedByPeer = true;
      } else {
        account(new byte[] {(byte) c}, 0, 1);
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      beforeRead();
      int n = super.read(b, off, len);
      account(b, off, n);
      return n;
    }
  }
}
