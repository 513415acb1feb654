package org.mailassure.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.cli.CliRun;
import org.mailassure.cli.ExitCode;

class ConnectorsTest {
  @TempDir Path dir;
  private HttpServer server;
  private final java.util.concurrent.CountDownLatch testEnded =
      new java.util.concurrent.CountDownLatch(1);
  private final Map<String, String[]> served = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext(
        "/",
        ex -> {
          if (ex.getRequestURI().getPath().equals("/drip")) {
            // A list that starts and then stalls, the connection kept open, until the test ends.
            ex.sendResponseHeaders(200, 1000);
            try (var out = ex.getResponseBody()) {
              out.write("alpha.gov.uk,".getBytes(StandardCharsets.UTF_8));
              out.flush();
              testEnded.await();
            } catch (java.io.IOException | InterruptedException clientGone) {
              // the client gave up first, as it should
            }
            return;
          }
          if (ex.getRequestURI().getPath().equals("/endless")) {
            // A list that never ends: streamed until the client stops reading.
            ex.sendResponseHeaders(200, 0);
            byte[] line =
                "alpha.gov.uk,beta.gov.uk,gamma.gov.uk\n".getBytes(StandardCharsets.UTF_8);
            try (var out = ex.getResponseBody()) {
              for (long sent = 0; sent < (1L << 30); sent += line.length) {
                out.write(line);
              }
            } catch (java.io.IOException clientStopped) {
              // what a bounded client does
            }
            return;
          }
          String[] r = served.getOrDefault(ex.getRequestURI().getPath(), new String[] {"404", ""});
          byte[] body = r[1].getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(Integer.parseInt(r[0]), body.length == 0 ? -1 : body.length);
          if (body.length > 0) {
            ex.getResponseBody().write(body);
          }
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    testEnded.countDown();
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private Path config(String listPath) throws Exception {
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(
        file,
        """
        probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
        connectors:
          - name: "mailassure: UK government mandatory TLS"
            domains: ["*.gsi.gov.uk", "*.gsx.gov.uk"]
            secure-domain-list: %s
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """
            .formatted(url(listPath)));
    return file;
  }

  @Test
  void theExportIsReadDespiteAHeaderBlankLinesCaseAndWhitespace() {
    assertThat(
            SecureDomainList.parse(
                "\uFEFFDomain\r\n\r\n  Alpha.GOV.UK , beta.gov.uk\n\ngamma.nhs.uk  \n"))
        .containsExactly("alpha.gov.uk", "beta.gov.uk", "gamma.nhs.uk");
  }

  @Test
  void goviukAndBroaderAreRefusedAndDuplicatesAndSubsumedNamesFolded() {
    ConnectorPlan plan =
        ConnectorPlan.of(
            "c",
            List.of(
                "*.gov.uk",
                "gov.uk",
                "uk",
                "*",
                "a.example.gov.uk",
                "A.example.gov.uk",
                "*.example.gov.uk",
                "x.y.example.gov.uk",
                "example.gov.uk",
                "not a domain"));
    assertThat(plan.domains()).containsExactly("*.example.gov.uk", "example.gov.uk");
    assertThat(plan.refused())
        .extracting(ConnectorPlan.Refusal::entry)
        .containsExactly("*.gov.uk", "gov.uk", "uk", "*", "not a domain");
    assertThat(plan.refused().get(0).reason()).contains("many gov.uk domains cannot do TLS yet");
  }

  @Test
  void thePowerShellCreatesTheConnectorWhenMissingAndOtherwiseAddsAndRemoves() {
    ConnectorPlan plan =
        ConnectorPlan.of("mailassure: partners", List.of("b.example.com", "a.example.com"));
    String script =
        ConnectorPowerShell.script(plan, plan.against(List.of("a.example.com", "old.example.com")));
    assertThat(script)
        .isEqualTo(
            """
        # mailassure: partners: 2 recipient domains
        if (-not (Get-OutboundConnector -Identity 'mailassure: partners' -ErrorAction SilentlyContinue)) {
          New-OutboundConnector -Name 'mailassure: partners' -ConnectorType Partner -UseMXRecord $true \
        -TlsSettings CertificateValidation -IsTransportRuleScoped $false -Enabled $true -RecipientDomains \
        'a.example.com','b.example.com'
        } else {
          Set-OutboundConnector -Identity 'mailassure: partners' -RecipientDomains @{Add='b.example.com'; \
        Remove='old.example.com'}
        }
        """);
  }

  @Test
  void aNameIsPrintedAsAPowerShellLiteralThatNothingInItCanBreakOutOf() {
    // Single-quoted strings expand nothing; a quote inside is doubled (about_Quoting_Rules), and
    // the language specification (2.3.5.2) counts U+2018, U+2019, U+201A and U+201B as single
    // quotes too.
    ConnectorPlan plan =
        ConnectorPlan.of("Bob's $(Remove-Item C:\\) `n \u2019x", List.of("a.example.com"));

    assertThat(ConnectorPowerShell.script(plan, null))
        .contains("-Identity 'Bob''s $(Remove-Item C:\\) `n \u2019\u2019x' ");
  }

  @Test
  void withoutACurrentListTheUpdateReplacesTheWholeList() {
    ConnectorPlan plan = ConnectorPlan.of("p", List.of("a.example.com"));
    assertThat(ConnectorPowerShell.script(plan, null))
        .contains("  Set-OutboundConnector -Identity 'p' -RecipientDomains 'a.example.com'\n");
  }

  @Test
  void aGoodListGivesThePowerShell() throws Exception {
    served.put("/list", new String[] {"200", "domain\nalpha.gov.uk,beta.gov.uk\n*.gov.uk\n"});
    CliRun r = CliRun.of(dir, "connectors", "-c", config("/list").toString());
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("4 domains")
        .contains("refused *.gov.uk")
        .contains("-RecipientDomains '*.gsi.gov.uk','*.gsx.gov.uk','alpha.gov.uk','beta.gov.uk'");
  }

  @Test
  void aListThatFailsToDownloadChangesNothingAndExitsThree() throws Exception {
    CliRun r = CliRun.of(dir, "connectors", "-c", config("/missing").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(r.out()).contains("HTTP 404").doesNotContain("Set-OutboundConnector");
  }

  @Test
  void aListThatNeverEndsIsCutOffAtItsBoundAndChangesNothing() throws Exception {
    CliRun r = CliRun.of(dir, "connectors", "-c", config("/endless").toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(r.out() + r.err())
        .contains("is longer than 16 MiB, which no such list is; not read")
        .doesNotContain("Set-OutboundConnector");
  }

  @Test
  void aListThatStallsIsGivenUpAtTheOneDeadlineNotWaitedForForEver() {
    // The client's own timeout ends when the headers arrive; the body has the same deadline.
    SecureDomainList lists = new SecureDomainList(java.time.Duration.ofMillis(500));

    assertThatThrownBy(() -> lists.fetch(url("/drip"), dir))
        .isInstanceOf(SecureDomainList.UnavailableException.class)
        .hasMessage(
            "the secure-domain list "
                + url("/drip")
                + " did not arrive whole within 500ms; not read");
  }

  @Test
  void aListWhereNothingListensSaysSoInWords() throws Exception {
    int closed;
    try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    SecureDomainList lists = new SecureDomainList(java.time.Duration.ofSeconds(5));

    assertThatThrownBy(() -> lists.fetch("http://127.0.0.1:" + closed + "/list", dir))
        .isInstanceOf(SecureDomainList.UnavailableException.class)
        .hasMessageEndingWith(": the connection was refused (nothing listens there)")
        .hasMessageNotContaining("null");
  }

  @Test
  void anEmptyListIsRefused() throws Exception {
    served.put("/empty", new String[] {"200", "domain\n\n"});
    CliRun r = CliRun.of(dir, "connectors", "-c", config("/empty").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(r.out()).contains("has no domains").doesNotContain("Set-OutboundConnector");
  }

  @Test
  void aMalformedListIsRefused() throws Exception {
    served.put(
        "/html",
        new String[] {"200", "<html><body>Service unavailable, please try later</body></html>"});
    CliRun r = CliRun.of(dir, "connectors", "-c", config("/html").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(r.out())
        .contains("does not look like a list of domains")
        .doesNotContain("Set-OutboundConnector");
  }

  @Test
  void aShrunkenListIsRefusedWithoutForceAndAcceptedWithIt() throws Exception {
    served.put("/small", new String[] {"200", "alpha.gov.uk\n"});
    Files.writeString(
        dir.resolve("current.txt"),
        "*.gsi.gov.uk\n*.gsx.gov.uk\nalpha.gov.uk\nbeta.gov.uk\ngamma.gov.uk\ndelta.gov.uk\n");
    Path c = config("/small");

    CliRun refused = CliRun.of(dir, "connectors", "-c", c.toString(), "--current", "current.txt");
    assertThat(refused.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(refused.out())
        .contains("would remove 3 of 6")
        .doesNotContain("Set-OutboundConnector");

    CliRun forced =
        CliRun.of(dir, "connectors", "-c", c.toString(), "--current", "current.txt", "--force");
    assertThat(forced.exitCode()).isZero();
    assertThat(forced.out())
        .contains("- beta.gov.uk")
        .contains("@{Remove='beta.gov.uk','delta.gov.uk','gamma.gov.uk'}");
  }

  @Test
  void aCurrentListThatIsNotTextOrNotThereIsAUsageErrorNamingTheFile() throws Exception {
    served.put("/small", new String[] {"200", "alpha.gov.uk\n"});
    Files.write(dir.resolve("current.bin"), new byte[] {0x7f, 'E', 'L', 'F', (byte) 0xfe, 0});
    Path c = config("/small");

    CliRun binary = CliRun.of(dir, "connectors", "-c", c.toString(), "--current", "current.bin");
    assertThat(binary.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(binary.err())
        .contains("--current " + dir.resolve("current.bin") + ": cannot be read (it is not UTF-8")
        .doesNotContain("Exception", "bug");
    assertThat(binary.out()).isEmpty();

    CliRun missing = CliRun.of(dir, "connectors", "-c", c.toString(), "--current", "absent.txt");
    assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(missing.err()).contains("absent.txt: cannot be read (it does not exist)");
  }

  @Test
  void aLocalListOverSixteenMebibytesIsNotReadAndASmallOneIs() throws Exception {
    SecureDomainList lists = new SecureDomainList(java.time.Duration.ofSeconds(5));
    Path big = dir.resolve("big.txt");
    Files.write(big, new byte[SecureDomainList.MAX_BYTES + 1]);
    assertThatThrownBy(() -> lists.fetch("big.txt", dir))
        .hasMessage("the secure-domain list " + big + " is longer than 16 MiB; not read");

    Files.writeString(dir.resolve("small.txt"), "alpha.gov.uk,beta.gov.uk\n");
    assertThat(lists.fetch("small.txt", dir)).containsExactly("alpha.gov.uk", "beta.gov.uk");
  }
}
