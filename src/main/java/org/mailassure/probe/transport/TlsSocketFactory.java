package org.mailassure.probe.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The SSL socket factory handed to Angus Mail for one send: only the allowed TLS versions are
 * enabled, the host name is checked during the handshake (endpoint identification "HTTPS", RFC 6125
 * rules as for web servers), and the socket is remembered so the negotiated protocol and cipher
 * suite can be read afterwards. One instance per send; not shared between threads.
 */
final class TlsSocketFactory extends SSLSocketFactory {
  private final SSLSocketFactory delegate;
  private final String[] protocols;
  private volatile SSLSocket last;

  private final BoundedSocketFactory plain;

  /**
   * @param plain where a plain socket that is not bounded yet (implicit TLS: Angus made it) gets
   *     its bounds before TLS is layered on it
   */
  TlsSocketFactory(SSLContext context, String[] protocols, BoundedSocketFactory plain) {
    this.delegate = context.getSocketFactory();
    this.protocols = protocols.clone();
    this.plain = plain;
  }

  /** The last socket made, or null before any. */
  SSLSocket socket() {
    return last;
  }

  private Socket configure(Socket s) {
    SSLSocket ssl = (SSLSocket) s;
    ssl.setEnabledProtocols(protocols);
    SSLParameters params = ssl.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    ssl.setSSLParameters(params);
    last = ssl;
    return ssl;
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose)
      throws IOException {
    BoundedSocket bounded = s instanceof BoundedSocket b ? b : plain.wrap(s);
    bounded.tlsStarted();
    return configure(delegate.createSocket(bounded, host, port, autoClose));
  }

  @Override
  public Socket createSocket() throws IOException {
    return configure(delegate.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return configure(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return configure(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return configure(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return configure(delegate.createSocket(address, port, localAddress, localPort));
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }
}
