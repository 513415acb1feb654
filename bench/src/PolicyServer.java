import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The MTA-STS policy hosts of the check benchmark: one HTTPS server on 127.0.0.1:443 (the port a
 * receiver fetches from; binding it needs root) that answers as mta-sts.DOMAIN for every bench
 * domain, choosing each host's certificate by the name the client sent (SNI), all issued by one
 * throwaway CA that the benchmark gives mailassure as its trust store. The keys are RSA-2048 or
 * ECDSA P-256 (the two kinds policy hosts present); one host key is shared by every certificate,
 * which changes nothing for the client. Every answer waits the given delay first, as a distant
 * server would. Counts the policies served.
 */
final class PolicyServer implements AutoCloseable {
  /** A host's certificate and key. */
  private record Issued(KeyPair keys, X509Certificate certificate) {}

  private final String keyType;
  private final String signature;
  private final KeyPair caKeys;
  private final X509Certificate caCertificate;
  private final KeyPair hostKeys;
  private final Map<String, Issued> hosts = new ConcurrentHashMap<>();
  private final Map<String, String> policies = new ConcurrentHashMap<>();
  private final SSLServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Duration delay;
  final AtomicLong served = new AtomicLong();

  /**
   * @param ec ECDSA P-256 keys instead of RSA-2048
   */
  PolicyServer(Duration delay, boolean ec) throws Exception {
    this.delay = delay;
    this.keyType = ec ? "EC" : "RSA";
    this.signature = ec ? "SHA256withECDSA" : "SHA256withRSA";
    this.caKeys = keys(ec);
    this.hostKeys = keys(ec);
    X500Name ca = new X500Name("CN=mailassure bench CA");
    this.caCertificate = certificate(ca, caKeys, null);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(new KeyManager[] {new BySni()}, null, null);
    server =
        (SSLServerSocket)
            tls.getServerSocketFactory()
                .createServerSocket(443, 1024, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  /** Serves {@code policy} as https://mta-sts.DOMAIN/.well-known/mta-sts.txt. */
  void serve(String domain, String policy) throws Exception {
    String host = "mta-sts." + domain;
    hosts.put(host, new Issued(hostKeys, certificate(new X500Name("CN=" + host), hostKeys, host)));
    policies.put(host, policy);
  }

  /** A PKCS#12 trust store holding the CA alone, for -Djavax.net.ssl.trustStore. */
  Path trustStore(Path file, char[] password) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("bench-ca", caCertificate);
    try (var out = Files.newOutputStream(file)) {
      ks.store(out, password);
    }
    return file;
  }

  private static KeyPair keys(boolean ec) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(ec ? "EC" : "RSA");
    if (ec) {
      g.initialize(new ECGenParameterSpec("secp256r1"));
    } else {
      g.initialize(2048);
    }
    return g.generateKeyPair();
  }

  /** The CA's own certificate when host is null, else a server certificate for host. */
  private X509Certificate certificate(X500Name subject, KeyPair keys, String host)
      throws Exception {
    Instant now = Instant.now();
    var b =
        new JcaX509v3CertificateBuilder(
            new X500Name("CN=mailassure bench CA"),
            BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(hosts.size())),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(host == null));
    if (host == null) {
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder(signature).build(caKeys.getPrivate())));
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        threads.execute(() -> answer((SSLSocket) s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void answer(SSLSocket s) {
    try (s) {
      s.setSoTimeout(10_000);
      s.startHandshake();
      String host = sni(s.getSession());
      InputStream in = s.getInputStream();
      StringBuilder request = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0) {
        request.append((char) b);
        if (request.toString().endsWith("\r\n\r\n")) {
          break;
        }
      }
      Thread.sleep(delay.toMillis());
      String policy = host == null ? null : policies.get(host);
      String response =
          policy == null
              ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
              : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                  + policy.getBytes(StandardCharsets.US_ASCII).length
                  + "\r\nConnection: close\r\n\r\n"
                  + policy;
      OutputStream out = s.getOutputStream();
      out.write(response.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (policy != null) {
        served.incrementAndGet();
      }
    } catch (IOException | InterruptedException e) {
      // A client that went away: nothing to serve.
    }
  }

  private static String sni(javax.net.ssl.SSLSession session) {
    if (session instanceof ExtendedSSLSession e) {
      for (SNIServerName n : e.getRequestedServerNames()) {
        if (n instanceof SNIHostName h) {
          return h.getAsciiName();
        }
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }

  /** Picks the certificate of the host the client named. */
  private final class BySni extends X509ExtendedKeyManager {
    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      if (socket instanceof SSLSocket s) {
        String host = sni(s.getHandshakeSession());
        if (host != null
            && hosts.containsKey(host)
            && keyType.startsWith(PolicyServer.this.keyType)) {
          return host;
        }
      }
      return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Issued i = hosts.get(alias);
      return i == null ? null : new X509Certificate[] {i.certificate(), caCertificate};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      Issued i = hosts.get(alias);
      return i == null ? null : i.keys().getPrivate();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return hosts.keySet().toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
