package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.demo.Certificates;
import org.mailassure.keys.PemCertificates;
import org.mailassure.readiness.dns.DnsClient;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackDns;

/**
 * The MTA-STS policy fetch against a real TLS server on 127.0.0.1 that answers with scripted raw
 * bytes: hostile (never finishing, endless) and malformed answers each become a failure with the
 * reason; a well-formed chunked answer is read as RFC 9112 section 7.1 says.
 */
class PolicyFetcherTest {
  private static final String HOST = "mta-sts.example.gov.uk";

  @TempDir Path dir;
  private SSLServerSocket server;
  private Thread serving;

  @FunctionalInterface
  interface Script {
    void answer(OutputStream out) throws IOException, InterruptedException;
  }

  private PolicyFetcher serve(Duration timeout, Script script) throws Exception {
    return serve(Certificates.server(Fixtures.CA, Duration.ofDays(1), HOST), timeout, script);
  }

  /** Serves the script with that certificate; the fetcher trusts {@code Fixtures.CA} only. */
  private PolicyFetcher serve(Certificates.Issued certificate, Duration timeout, Script script)
      throws Exception {
    return serve(certificate, InetAddress.getLoopbackAddress(), timeout, script);
  }

  private PolicyFetcher serve(
      Certificates.Issued certificate, InetAddress bind, Duration timeout, Script script)
      throws Exception {
    SSLContext serverTls = certificate.serverContext();
    server = (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket(0, 1, bind);
    serving =
        new Thread(
            () -> {
              try (SSLSocket s = (SSLSocket) server.accept()) {
                InputStream in = s.getInputStream();
                StringBuilder request = new StringBuilder();
                while (!request.toString().endsWith("\r\n\r\n")) {
                  int c = in.read();
                  if (c < 0) {
                    return;
                  }
                  request.append((char) c);
                }
                script.answer(s.getOutputStream());
              } catch (IOException | InterruptedException e) {
                // The client hung up: what a bounded client does with a hostile server.
              }
            });
    serving.setDaemon(true);
    serving.start();
    Fixtures.CA.writePem(dir.resolve("ca.pem"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(PemCertificates.trustStore(dir.resolve("ca.pem")));
    SSLContext trust = SSLContext.getInstance("TLS");
    trust.init(null, tmf.getTrustManagers(), null);
    return new PolicyFetcher(server.getLocalPort(), trust, timeout);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (serving != null) {
      serving.interrupt();
    }
  }

  private static Script raw(String answer) {
    return out -> {
      out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    };
  }

  private PolicyFetcher.Fetched fetch(PolicyFetcher f) {
    return f.fetch(HOST, InetAddress.getLoopbackAddress());
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aServerThatSendsAByteJustInTimeForeverIsCutOffAtTheOneDeadline() throws Exception {
    // Without one deadline for the whole fetch this would read 64 KiB at a byte per 200 ms: hours.
    PolicyFetcher f =
        serve(
            Duration.ofSeconds(1),
            out -> {
              out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".getBytes());
              out.flush();
              while (true) {
                out.write('v');
                out.flush();
                Thread.sleep(200);
              }
            });

    PolicyFetcher.Fetched got = fetch(f);

    assertThat(got.error())
        .contains("https://" + HOST + "/.well-known/mta-sts.txt did not answer within 1000 ms");
  }

  @Test
  void anEarlyHintsAnswerBeforeThePolicyIsSkippedAsHttpClientsMust() throws Exception {
    // RFC 9110 section 15.2: "A client MUST be able to parse one or more 1xx responses received
    // prior to a final response, even if the client does not expect one."
    PolicyFetcher.Fetched got =
        fetch(
            serve(
                Duration.ofSeconds(5),
                raw(
                    "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n"
                        + "\r\nversion: STSv1\r\n")));

    assertThat(got.error()).isNull();
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.body()).isEqualTo("version: STSv1\r\n");
  }

  @Test
  void aStatusLineThatIsNotHttpIsAFailureNamingIt() throws Exception {
    PolicyFetcher.Fetched got =
        fetch(serve(Duration.ofSeconds(5), raw("HTTP/1.1 2OO OK\r\n\r\nversion: STSv1\r\n")));

    assertThat(got.error())
        .contains("did not answer in HTTP: the status line is 'HTTP/1.1 2OO OK'");
  }

  @Test
  void aHeaderLineWithoutAColonIsAFailure() throws Exception {
    PolicyFetcher.Fetched got =
        fetch(
            serve(
                Duration.ofSeconds(5), raw("HTTP/1.1 200 OK\r\nContent-Type text/plain\r\n\r\nx")));

    assertThat(got.error()).contains("a header line is 'Content-Type text/plain'");
  }

  @Test
  void aChunkSizeThatIsNotHexadecimalIsAFailure() throws Exception {
    PolicyFetcher.Fetched got =
        fetch(
            serve(
                Duration.ofSeconds(5),
                raw(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")));

    assertThat(got.error()).contains("a chunk's size is 'zz'");
  }

  @Test
  void aChunkCutShortIsAFailure() throws Exception {
    PolicyFetcher.Fetched got =
        fetch(
            serve(
                Duration.ofSeconds(5),
                raw(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\nversion: STSv1\r\n")));

    assertThat(got.error()).contains("a chunk of 64 bytes is cut short");
  }

  @Test
  void anAnswerThatEndsInsideItsHeadersIsAFailure() throws Exception {
    PolicyFetcher.Fetched got =
        fetch(serve(Duration.ofSeconds(5), raw("HTTP/1.1 200 OK\r\nContent-Type: text/pl")));

    assertThat(got.error()).contains("the answer ends before its headers do");
  }

  @Test
  void anEndlessAnswerIsReadNoFurtherThan64KiB() throws Exception {
    PolicyFetcher.Fetched got =
        fetch(
            serve(
                Duration.ofSeconds(10),
                out -> {
                  out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".getBytes());
                  byte[] chunk = new byte[16384];
                  java.util.Arrays.fill(chunk, (byte) 'x');
                  while (true) {
                    out.write(chunk);
                  }
                }));

    assertThat(got.error()).contains("answered with more than 64 KiB; not read further");
  }

  @Test
  void aWellFormedChunkedPolicyIsReadWhole() throws Exception {
    // RFC 9112 7.1: chunk-size in hex, CRLF, the data, CRLF; a zero-size chunk ends the body.
    String part1 = "version: STSv1\r\nmode: enforce\r\n";
    String part2 = "mx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n";
    PolicyFetcher.Fetched got =
        fetch(
            serve(
                Duration.ofSeconds(5),
                raw(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(part1.length())
                        + ";ext=1\r\n"
                        + part1
                        + "\r\n"
                        + Integer.toHexString(part2.length())
                        + "\r\n"
                        + part2
                        + "\r\n0\r\n\r\n")));

    assertThat(got.error()).isNull();
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.contentType()).isEqualTo("text/plain");
    assertThat(got.body()).isEqualTo(part1 + part2);
  }

  // Content and transfer codings. The request asks for gzip, as senders' HTTP clients do (Go's
  // net/http, aiohttp), so a policy served compressed must be read as they read it. The compressed
  // bodies here are made by the JDK's own java.util.zip, not by mailassure.

  private static final String POLICY_TEXT =
      "version: STSv1\r\nmode: enforce\r\nmx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n";

  private static byte[] gzip(byte[] data) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(b)) {
      z.write(data);
    }
    return b.toByteArray();
  }

  private static byte[] deflate(byte[] data, boolean zlib) {
    java.util.zip.Deflater d = new java.util.zip.Deflater(9, !zlib);
    d.setInput(data);
    d.finish();
    byte[] out = new byte[data.length + 64];
    int n = d.deflate(out);
    d.end();
    return java.util.Arrays.copyOf(out, n);
  }

  private static byte[] answer(String head, byte[] body) {
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = java.util.Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  @Test
  void aPolicyServedWithContentEncodingGzipIsReadAsSendersReadIt() throws Exception {
    // RFC 9110 section 8.4: Content-Encoding names the codings applied to the representation, and
    // a recipient decodes them to get the data; gzip is section 8.4.1.3's.
    byte[] z = gzip(POLICY_TEXT.getBytes(StandardCharsets.US_ASCII));
    PolicyFetcher.Fetched got =
        fetch(
            serve(
                Duration.ofSeconds(5),
                out -> {
                  out.write(
                      answer(
                          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
                              + "Content-Length: "
                              + z.length
                              + "\r\n\r\n",
                          z));
                  out.flush();
                }));

    assertThat(got.error()).isNull();
    assertThat(got.body()).isEqualTo(POLICY_TEXT);
  }

  @Test
  void gzipThenChunkedTransferCodingsAreUndoneLastFirst() throws Exception {
    // RFC 9112 section 6.1: "Transfer-Encoding: gzip, chunked indicates that the content has been
    // compressed using the gzip coding and then chunked using the chunked coding".
    byte[] z = gzip(POLICY_TEXT.getBytes(StandardCharsets.US_ASCII));
    byte[] chunked = answer(Integer.toHexString(z.length) + "\r\n", z);
    byte[] whole =
        answer(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            answer(new String(chunked, StandardCharsets.ISO_8859_1), "\r\n0\r\n\r\n".getBytes()));

    PolicyFetcher.Fetched got = PolicyFetcher.parse(whole);

    assertThat(got.body()).isEqualTo(POLICY_TEXT);
  }

  @Test
  void deflateIsReadAsZlibAndAsTheRawDeflateSomeServersSend() throws Exception {
    // RFC 9110 section 8.4.1.2: "deflate" is "a "zlib" data format [RFC1950] containing a
    // "deflate" compressed data stream [RFC1951]"; servers that send raw deflate are read too.
    byte[] data = POLICY_TEXT.getBytes(StandardCharsets.US_ASCII);
    String head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: deflate\r\n\r\n";

    assertThat(PolicyFetcher.parse(answer(head, deflate(data, true))).body())
        .isEqualTo(POLICY_TEXT);
    assertThat(PolicyFetcher.parse(answer(head, deflate(data, false))).body())
        .isEqualTo(POLICY_TEXT);
  }

  @Test
  void aCodingThatWasNotAskedForIsAFailureNamingIt() throws Exception {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                PolicyFetcher.parse(
                    answer(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n",
                        new byte[] {0x1b, 0x03})))
        .isInstanceOf(PolicyFetcher.Malformed.class)
        .hasMessageContaining("its content coding is 'br', which mailassure did not ask for");
  }

  @Test
  void aSmallGzipBodyThatInflatesPast64KiBIsNotInflatedFurther() throws Exception {
    // 16 MiB of zeros compress to about 16 KiB: the bound is on what the body decompresses to.
    byte[] bomb = gzip(new byte[16 << 20]);
    assertThat(bomb.length).isLessThan(PolicyFetcher.MAX_BYTES);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                PolicyFetcher.parse(
                    answer("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", bomb)))
        .isInstanceOf(PolicyFetcher.Malformed.class)
        .hasMessageContaining("its gzip body decompresses to more than 64 KiB");
  }

  @Test
  void aGzipBodyCutShortIsAFailureSayingSo() throws Exception {
    byte[] z = gzip(POLICY_TEXT.getBytes(StandardCharsets.US_ASCII));
    byte[] cut = java.util.Arrays.copyOf(z, z.length / 2);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                PolicyFetcher.parse(
                    answer("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", cut)))
        .isInstanceOf(PolicyFetcher.Malformed.class)
        .hasMessageContaining(
            "its content coding is gzip, and the body is not gzip (corrupt or cut short)");
  }

  // RFC 8461 section 3.3: the policy host's certificate must be "valid for the mta-sts host",
  // "chain to a root CA that is trusted by the sending MTA, and be non-expired"; a sender that
  // cannot establish such a connection takes no policy. Each way of failing is named as that rule
  // names it, with its own fix, and never with a JDK class name.

  private static final String POLICY =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nversion: STSv1";

  /** The fetch of a well-formed policy from a server presenting that certificate. */
  private PolicyFetcher.Fetched fetchOver(Certificates.Issued certificate) throws Exception {
    return fetch(serve(certificate, Duration.ofSeconds(5), raw(POLICY)));
  }

  /**
   * OpenSSL (Debian's openssl s_client, an independent TLS client and X.509 verifier, as many
   * senders' MTA-STS fetchers use) is asked about the same policy hosts, trusting the same CA and
   * expecting the same name: the fetch takes a policy exactly from the hosts whose certificate
   * OpenSSL verifies (RFC 8461 section 3.3: "valid for the mta-sts host", chained to a trusted
   * root, unexpired).
   */
  @Test
  void theFetchTakesAPolicyExactlyWhereOpensslVerifiesTheHostsCertificate() throws Exception {
    org.mailassure.testing.Openssl.assumeInstalled();
    java.util.Map<String, Certificates.Issued> hosts = new java.util.LinkedHashMap<>();
    hosts.put("trusted", Certificates.server(Fixtures.CA, Duration.ofDays(1), HOST));
    hosts.put(
        "a wildcard for the domain",
        Certificates.server(Fixtures.CA, Duration.ofDays(1), "*.example.gov.uk"));
    hosts.put(
        "a wildcard one label up",
        Certificates.server(Fixtures.CA, Duration.ofDays(1), "*.gov.uk"));
    hosts.put(
        "for another name",
        Certificates.server(Fixtures.CA, Duration.ofDays(1), "www.example.gov.uk"));
    hosts.put(
        "from an unknown CA",
        Certificates.server(Certificates.authority("unknown CA"), Duration.ofDays(1), HOST));
    hosts.put("expired", Certificates.server(Fixtures.CA, Duration.ofMinutes(-1), HOST));
    java.util.Map<String, String> judged = new java.util.LinkedHashMap<>();
    for (var e : hosts.entrySet()) {
      serve(e.getValue(), Duration.ofSeconds(5), raw(POLICY));
      String openssl =
          org.mailassure.testing.Openssl.verdict(
              server.getLocalPort(),
              dir.resolve("ca.pem"),
              "-servername",
              HOST,
              "-verify_hostname",
              HOST);
      stop();
      PolicyFetcher.Fetched got = fetchOver(e.getValue());
      stop();
      judged.put(
          e.getKey(),
          "openssl " + openssl + "; mailassure " + (got.error() == null ? "fetched" : got.error()));
      assertThat(got.error() == null)
          .as(e.getKey() + ": " + judged.get(e.getKey()))
          .isEqualTo(openssl.equals("Verification: OK"));
    }
    judged.forEach((k, v) -> System.out.println(k + " => " + v));
    assertThat(judged.get("trusted")).startsWith("openssl Verification: OK; mailassure fetched");
  }

  @Test
  void aCertificateForAnotherNameIsRefusedAsNotForThatName() throws Exception {
    PolicyFetcher.Fetched got =
        fetchOver(Certificates.server(Fixtures.CA, Duration.ofDays(1), "www.example.gov.uk"));

    assertThat(got.error())
        .isEqualTo(
            "the certificate of "
                + HOST
                + " is not for that name, so senders take no policy from it (RFC 8461 section 3.3)");
    assertThat(got.fix()).contains("a certificate for that name from a public CA");
  }

  @Test
  void aCertificateFromAnUnknownCaIsRefusedAsUntrusted() throws Exception {
    PolicyFetcher.Fetched got =
        fetchOver(
            Certificates.server(
                Certificates.authority("not a trusted CA"), Duration.ofDays(1), HOST));

    assertThat(got.error())
        .startsWith("the certificate of " + HOST + " does not chain to a trusted CA")
        .doesNotContain("PKIX", "sun.security", "Exception");
    assertThat(got.fix()).contains("intermediate certificates");
  }

  @Test
  void anExpiredCertificateFromTheTrustedCaIsRefusedAsExpired() throws Exception {
    // Valid from five minutes ago until one minute ago, issued by the CA the fetcher trusts.
    PolicyFetcher.Fetched got =
        fetchOver(Certificates.server(Fixtures.CA, Duration.ofMinutes(-1), HOST));

    assertThat(got.error())
        .isEqualTo(
            "the certificate of "
                + HOST
                + " has expired, so senders take no policy from it (RFC 8461 section 3.3)");
    assertThat(got.fix()).isEqualTo("renew the certificate of " + HOST);
  }

  @Test
  void aWellFormedAnswerOverATrustedCertificateCarriesNoFix() throws Exception {
    PolicyFetcher.Fetched got = fetch(serve(Duration.ofSeconds(5), raw(POLICY)));

    assertThat(got.error()).isNull();
    assertThat(got.fix()).isNull();
    assertThat(got.body()).isEqualTo("version: STS");
  }

  private static final String ENFORCE =
      "version: STSv1\r\nmode: enforce\r\nmx: mx.example.gov.uk\r\nmax_age: 604800\r\n";

  private static Script policy() {
    return raw(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
            + ENFORCE.length()
            + "\r\n\r\n"
            + ENFORCE);
  }

  @Test
  void anAddressThatRefusesIsPassedOverForTheNext() throws Exception {
    // 127.0.0.2 is this machine too (127.0.0.0/8 is loopback), but nothing listens there on the
    // server's port, so it refuses at once; an HTTPS client then tries the host's next address.
    PolicyFetcher f =
        serve(
            Certificates.server(Fixtures.CA, Duration.ofDays(1), HOST),
            Duration.ofSeconds(5),
            policy());

    PolicyFetcher.Fetched got =
        f.fetch(
            HOST, List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getLoopbackAddress()));

    assertThat(got.error()).isNull();
    assertThat(got.body()).isEqualTo(ENFORCE);
  }

  @Test
  void whenEveryAddressRefusesTheFailureSaysHowManyWereTried() throws Exception {
    PolicyFetcher f = serve(Duration.ofSeconds(5), policy());

    PolicyFetcher.Fetched got =
        f.fetch(
            HOST, List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3")));

    assertThat(got.error())
        .startsWith(
            "cannot fetch https://"
                + HOST
                + "/.well-known/mta-sts.txt from any of its 2 addresses:");
  }

  @Test
  void aPolicyHostWithOnlyAnIpv6AddressIsFetchedOverIpv6() throws Exception {
    InetAddress v6 = InetAddress.getByName("::1");
    Assumptions.assumeTrue(ipv6Loopback(v6), "this machine has no IPv6 loopback (::1)");
    PolicyFetcher f =
        serve(
            Certificates.server(Fixtures.CA, Duration.ofDays(1), HOST),
            v6,
            Duration.ofSeconds(5),
            policy());
    try (LoopbackDns dns =
        new LoopbackDns()
            .txt("_mta-sts.example.gov.uk", "v=STSv1; id=20261206")
            .add(HOST, "AAAA", "::1")) {
      DnsClient client = new DnsClient(List.of(dns.address()), Duration.ofSeconds(5));

      CheckResult r = MtaStsCheck.run(client, f, "example.gov.uk", List.of("mx.example.gov.uk"));

      assertThat(r.status()).as(r.detail()).isEqualTo(Status.PASS);
    }
  }

  @Test
  void aPolicyHostWithNoAddressAtAllFails() throws Exception {
    PolicyFetcher f = serve(Duration.ofSeconds(5), policy());
    try (LoopbackDns dns =
        new LoopbackDns().txt("_mta-sts.example.gov.uk", "v=STSv1; id=20261206")) {
      DnsClient client = new DnsClient(List.of(dns.address()), Duration.ofSeconds(5));

      CheckResult r = MtaStsCheck.run(client, f, "example.gov.uk", List.of("mx.example.gov.uk"));

      assertThat(r.status()).isEqualTo(Status.FAIL);
      assertThat(r.detail()).contains(HOST + " has no address (A or AAAA)");
    }
  }

  @Test
  void withoutMxHostsTheSuggestedPolicyAsksForThemRatherThanAnEmptyMxLine() throws Exception {
    // A null MX (RFC 7505) leaves no MX host to list: the fix must not suggest "mx: " alone.
    PolicyFetcher f = serve(Duration.ofSeconds(5), policy());
    try (LoopbackDns dns = new LoopbackDns().txt("example.gov.uk", "v=spf1 -all")) {
      DnsClient client = new DnsClient(List.of(dns.address()), Duration.ofSeconds(5));

      CheckResult r = MtaStsCheck.run(client, f, "example.gov.uk", List.of());

      assertThat(r.fix()).contains("mx: <each MX host>\\n").doesNotContain("mx: \\n");
    }
  }

  private static boolean ipv6Loopback(InetAddress v6) {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, v6)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
