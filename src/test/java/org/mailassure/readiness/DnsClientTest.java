package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailassure.readiness.dns.DnsAnswer;
import org.mailassure.readiness.dns.DnsClient;
import org.mailassure.testing.LoopbackDns;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The DNS client against a real DNS server on loopback UDP. */
class DnsClientTest {
  private LoopbackDns dns;
  private DnsClient client;

  @BeforeEach
  void start() throws Exception {
    dns =
        new LoopbackDns()
            .txt("example.gov.uk", "v=spf1 include:spf.protection.outlook.com -all")
            .add("example.gov.uk", "MX", "0 example-gov-uk.mail.protection.outlook.com.")
            .add(
                "selector1._domainkey.example.gov.uk",
                "CNAME",
                "selector1-example-gov-uk._domainkey.contoso.onmicrosoft.com.")
            .txt(
                "selector1-example-gov-uk._domainkey.contoso.onmicrosoft.com", "v=DKIM1; k=rsa; p=")
            .servfail("broken.gov.uk")
            .silent("slow.gov.uk");
    // Answered names get a timeout a loaded machine never reaches; the silent one is asked by a
    // client of its own that gives up after 300 ms.
    client = new DnsClient(List.of(dns.address()), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  @Test
  void aTxtRecordIsReadBack() {
    DnsAnswer a = client.get("example.gov.uk", Type.TXT);
    assertThat(a).isInstanceOf(DnsAnswer.Records.class);
    TXTRecord txt = (TXTRecord) ((DnsAnswer.Records) a).records().get(0);
    assertThat(String.join("", txt.getStrings()))
        .isEqualTo("v=spf1 include:spf.protection.outlook.com -all");
  }

  @Test
  void aCnameIsFollowedAndReported() {
    DnsAnswer.Records a =
        (DnsAnswer.Records) client.get("selector1._domainkey.example.gov.uk", Type.TXT);
    assertThat(a.aliases())
        .extracting(Object::toString)
        .contains("selector1._domainkey.example.gov.uk.");
    assertThat(a.records()).hasSize(1);
  }

  @Test
  void absenceAndFailureAreTellApart() {
    assertThat(client.get("nothing.gov.uk", Type.TXT)).isInstanceOf(DnsAnswer.NoSuchDomain.class);
    assertThat(client.get("example.gov.uk", Type.AAAA)).isInstanceOf(DnsAnswer.NoData.class);
    assertThat(client.get("broken.gov.uk", Type.TXT)).isInstanceOf(DnsAnswer.Failed.class);
    DnsAnswer slow =
        new DnsClient(List.of(dns.address()), Duration.ofMillis(300)).get("slow.gov.uk", Type.TXT);
    assertThat(slow).isInstanceOf(DnsAnswer.Failed.class);
    assertThat(slow.absent()).isFalse();
    // The reason names the server asked and how long it was given.
    assertThat(((DnsAnswer.Failed) slow).reason())
        .isEqualTo("no answer from " + dns.address() + " within 300ms");
  }

  @Test
  void aNameIsAskedOnceHoweverOftenItIsWanted() {
    for (int i = 0; i < 5; i++) {
      client.ask("example.gov.uk", Type.TXT);
    }
    client.get("example.gov.uk", Type.TXT);
    assertThat(dns.questions()).isEqualTo(1);
    assertThat(dns.asked("example.gov.uk")).isEqualTo(1);
  }
}
