package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailassure.readiness.dns.DnsClient;
import org.mailassure.testing.LoopbackDns;

/**
 * A subdomain without a DMARC record of its own is judged by its Organizational Domain's record
 * (RFC 7489 section 6.6.3, step 3: "If the set is now empty, the Mail Receiver MUST query the DNS
 * for a DMARC TXT record at the DNS domain matching the Organizational Domain in place of the
 * RFC5322.From domain"), whose sp= applies to subdomains (section 6.3). The Organizational Domain
 * is the public suffix plus one label (section 3.2), from the Public Suffix List, whose ICANN
 * section lists gov.uk and co.uk.
 */
class DmarcOrganisationalDomainTest {
  private static final List<String> RUA = List.of("mailto:dmarc-rua@dmarc.service.gov.uk");
  private LoopbackDns dns;
  private DnsClient client;

  @BeforeEach
  void start() throws Exception {
    dns =
        new LoopbackDns()
            .txt(
                "_dmarc.agency.gov.uk",
                "v=DMARC1; p=reject; sp=none; rua=mailto:dmarc-rua@dmarc.service.gov.uk")
            .txt(
                "_dmarc.council.gov.uk",
                "v=DMARC1; p=reject; rua=mailto:dmarc-rua@dmarc.service.gov.uk")
            // The report destination authorises the organisational domains (RFC 7489 section
            // 7.1), which own the records that name it.
            .txt("agency.gov.uk._report._dmarc.dmarc.service.gov.uk", "v=DMARC1")
            .txt("council.gov.uk._report._dmarc.dmarc.service.gov.uk", "v=DMARC1");
    // Every name here is answered: a timeout this long is never waited out, and a loaded machine
    // cannot turn an answer into a failure.
    client = new DnsClient(List.of(dns.address()), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  @Test
  void theOrganisationalDomainIsThePublicSuffixPlusOneLabel() {
    assertThat(DmarcCheck.organisationalDomain("a.b.agency.gov.uk")).isEqualTo("agency.gov.uk");
    assertThat(DmarcCheck.organisationalDomain("mail.example.co.uk")).isEqualTo("example.co.uk");
    assertThat(DmarcCheck.organisationalDomain("agency.gov.uk")).isEqualTo("agency.gov.uk");
  }

  @Test
  void aSubdomainWithoutARecordGetsItsOrganisationalDomainsSubdomainPolicy() {
    CheckResult r = DmarcCheck.run(client, "news.agency.gov.uk", RUA);

    // sp=none applies to the subdomain, whatever p= says for agency.gov.uk itself.
    assertThat(r.status()).isEqualTo(Status.WARN);
    assertThat(r.detail()).contains("organisational domain agency.gov.uk", "p=none");
  }

  @Test
  void withoutSpTheOrganisationalDomainsPolicyApplies() {
    CheckResult r = DmarcCheck.run(client, "news.council.gov.uk", RUA);

    assertThat(r.status()).isEqualTo(Status.PASS);
    assertThat(r.detail()).contains("organisational domain council.gov.uk", "p=reject");
  }

  @Test
  void anOrganisationalDomainsRecordWithAnInvalidPIsJudgedWholeForItsSubdomainsToo() {
    // RFC 7489 section 6.6.3, step 6: "If a retrieved policy record does not contain a valid "p"
    // tag, or contains an "sp" tag that is not valid, then: if an "rua" tag is present and
    // contains at least one syntactically valid reporting URI, the Mail Receiver SHOULD act as if
    // a record containing a valid "v" tag and "p=none" was retrieved". The record retrieved for
    // news.typo.gov.uk is typo.gov.uk's, and a valid sp= does not mend its p=.
    CheckResult r = subdomainOfTypoGovUk("p=rejcet; sp=reject");

    assertThat(r.status()).isEqualTo(Status.WARN);
    assertThat(r.detail())
        .contains(
            "organisational domain typo.gov.uk", "treat the whole record as p=none", "p=none");
  }

  @Test
  void anOrganisationalDomainsInvalidSpMakesItsSubdomainsPolicyNone() {
    // The same step: an "sp" tag that is not valid.
    CheckResult r = subdomainOfTypoGovUk("p=reject; sp=rejcet");

    assertThat(r.status()).isEqualTo(Status.WARN);
    assertThat(r.detail()).contains("sp=rejcet is not none/quarantine/reject", "p=none");
  }

  /**
   * The check of news.typo.gov.uk, which has no record of its own, when typo.gov.uk publishes these
   * policy tags with the expected rua (whose destination has authorised it).
   */
  private CheckResult subdomainOfTypoGovUk(String tags) {
    dns.txt(
        "_dmarc.typo.gov.uk", "v=DMARC1; " + tags + "; rua=mailto:dmarc-rua@dmarc.service.gov.uk");
    dns.txt("typo.gov.uk._report._dmarc.dmarc.service.gov.uk", "v=DMARC1");
    return DmarcCheck.run(client, "news.typo.gov.uk", RUA);
  }

  @Test
  void anOrganisationalDomainItselfWithoutARecordFails() {
    CheckResult r = DmarcCheck.run(client, "nothing.gov.uk", RUA);

    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.detail()).contains("no v=DMARC1 record at _dmarc.nothing.gov.uk");
  }

  @Test
  void aReportAddressInTheSameOrganisationalDomainNeedsNoAuthorisation() throws Exception {
    // RFC 7489 section 7.1: only a URI whose host has another Organizational Domain than the
    // domain that published the policy is an "external report destination" to be authorised;
    // council.gov.uk is sub.council.gov.uk's own.
    dns.txt(
        "_dmarc.sub.council.gov.uk",
        "v=DMARC1; p=reject; rua=mailto:dmarc-rua@dmarc.service.gov.uk,mailto:dmarc@council.gov.uk");
    dns.txt("sub.council.gov.uk._report._dmarc.dmarc.service.gov.uk", "v=DMARC1");

    CheckResult r = DmarcCheck.run(client, "sub.council.gov.uk", RUA);

    assertThat(r.status()).as(r.detail()).isEqualTo(Status.PASS);
    assertThat(dns.asked("sub.council.gov.uk._report._dmarc.council.gov.uk")).isZero();
  }

  @Test
  void aReportAddressInAnotherOrganisationalDomainMustAuthoriseTheDomain() throws Exception {
    // RFC 7489 section 7.1: agency.gov.uk is another Organizational Domain (gov.uk is a public
    // suffix), so it must publish sub.council.gov.uk._report._dmarc.agency.gov.uk.
    dns.txt(
        "_dmarc.sub.council.gov.uk",
        "v=DMARC1; p=reject; rua=mailto:dmarc-rua@dmarc.service.gov.uk,mailto:dmarc@agency.gov.uk");
    dns.txt("sub.council.gov.uk._report._dmarc.dmarc.service.gov.uk", "v=DMARC1");

    CheckResult r = DmarcCheck.run(client, "sub.council.gov.uk", RUA);

    assertThat(r.status()).isEqualTo(Status.FAIL);
    assertThat(r.detail())
        .contains("the external rua destination agency.gov.uk has not authorised reports");
  }

  @Test
  void organisationsAreComparedByTheirOrganisationalDomains() {
    assertThat(DmarcCheck.sameOrganisation("council.gov.uk", "sub.council.gov.uk")).isTrue();
    assertThat(DmarcCheck.sameOrganisation("a.council.gov.uk", "b.council.gov.uk")).isTrue();
    assertThat(DmarcCheck.sameOrganisation("agency.gov.uk", "council.gov.uk")).isFalse();
  }

  @Test
  void anUnauthorisedExternalRufDestinationIsAWarningNotAFailure() throws Exception {
    // RFC 7489 section 7.1 applies to "rua" and "ruf" alike; failure reports are optional, so a
    // destination that would receive none is worth a warning.
    dns.txt(
        "_dmarc.other.council.gov.uk",
        "v=DMARC1; p=reject; rua=mailto:dmarc-rua@dmarc.service.gov.uk;"
            + " ruf=mailto:forensic@vendor.example");
    dns.txt("other.council.gov.uk._report._dmarc.dmarc.service.gov.uk", "v=DMARC1");

    CheckResult r = DmarcCheck.run(client, "other.council.gov.uk", RUA);

    assertThat(r.status()).isEqualTo(Status.WARN);
    assertThat(r.detail())
        .contains("the external ruf destination vendor.example has not authorised reports");
  }

  /**
   * The Public Suffix List is read once however many checks want it at the same moment: in a fresh
   * JVM, sixteen threads ask together, then the JVM's class histogram must hold no entries of the
   * list beyond the live ones (each extra copy read would have left its entries behind as garbage).
   */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void thePublicSuffixListIsReadOnceWhenManyThreadsFirstAskTogether() throws Exception {
    Process p =
        new ProcessBuilder(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                PublicSuffixRace.class.getName())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .strip();
    assertThat(p.waitFor()).as(out).isZero();
    String[] counts = out.lines().reduce((a, b) -> b).orElse("").split(" ");
    long all = Long.parseLong(counts[0]);
    long live = Long.parseLong(counts[1]);

    assertThat(live).as(out).isGreaterThan(1000);
    assertThat(all).as(out).isEqualTo(live);
  }
}
