package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

  /**
   * Issue 13: "no network wait runs inside a shared map's lock". An asker waiting for room under
   * the bound on questions in flight must not hold up another asker of the same name (who shares
   * its answer) or of a name already answered.
   */
  @Test
  @Timeout(60)
  void anAskerWaitingForRoomUnderTheBoundHoldsNoOneElseUp() {
    DnsAnswer answered = client.get("example.gov.uk", Type.TXT);
    for (int i = 0; i <= DnsClient.MAX_IN_FLIGHT; i++) {
      dns.silent("slow" + i + ".gov.uk");
    }
    for (int i = 0; i < DnsClient.MAX_IN_FLIGHT; i++) {
      client.ask("slow" + i + ".gov.uk", Type.TXT);
    }
    String last = "slow" + DnsClient.MAX_IN_FLIGHT + ".gov.uk";
    Thread waiting = new Thread(() -> client.ask(last, Type.TXT));
    waiting.setDaemon(true);
    waiting.start();
    while (waiting.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }

    CompletableFuture<DnsAnswer> same = client.ask(last, Type.TXT);
    DnsAnswer again = client.get("example.gov.uk", Type.TXT);

    // Both returned while the first asker still waits for room (no question has been answered
    // or timed out: the silent ones have 10 s).
    assertThat(waiting.getState()).isEqualTo(Thread.State.WAITING);
    assertThat(same).isNotDone();
    assertThat(again).isSameAs(answered);
  }

  /**
   * dnsjava continues a lookup on the common fork-join pool unless told otherwise, and on a machine
   * with one or two cores CompletableFuture runs each such step on a new thread: a thousand-domain
   * check started some 22,000 threads. The JVM's own count of threads started is the witness.
   */
  @Test
  @Timeout(60)
  void answersAreHandledWithoutAThreadForEach() {
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    client.get("example.gov.uk", Type.TXT);
    long before = threads.getTotalStartedThreadCount();
    List<CompletableFuture<DnsAnswer>> asked = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      asked.add(client.ask("n" + i + ".example.gov.uk", Type.TXT));
    }
    asked.forEach(CompletableFuture::join);

    assertThat(asked).allMatch(a -> a.join() instanceof DnsAnswer.NoSuchDomain);
    assertThat(threads.getTotalStartedThreadCount() - before).isLessThan(20);
  }
}
