package org.mailassure.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.Config;
import org.mailassure.graph.Credentials;
import org.mailassure.graph.GraphClients;
import org.mailassure.probe.transport.SmtpTransport;
import org.mailassure.reply.MailboxMessages;
import org.mailassure.reply.ReplyAgent;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackGraph;
import org.mailassure.testing.MutableClock;

/**
 * The daemon's reply agent over simulated time (an injected clock, no real waiting) against a
 * loopback Graph through the real SDK, with a real SQLite store.
 */
class DaemonReplyTest {
  private static final String ASSESSMENT = "emailsecurity@domaininformation.service.gov.uk";
  private static final String MAILBOX = "secureemailreply@d1.example.gov.uk";
  private static final Instant START = Instant.parse("2026-12-06T09:00:00Z");

  @TempDir Path dir;
  private LoopbackGraph graph;

  @BeforeEach
  void start() throws Exception {
    graph = new LoopbackGraph();
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  private Config config(String rule) throws Exception {
    return Fixtures.config(
        dir,
        """
        state-dir: state
        graph:
          tenant-id: contoso.onmicrosoft.com
          base-url: %s
          auth: { type: token, token-env: MAILASSURE_GRAPH_TOKEN }
        rule: %s
        probe: { transport: graph }
        domains:
          - name: d1.example.gov.uk
            mailbox: %s
            probe: false
        """
            .formatted(graph.baseUrl(), rule, MAILBOX));
  }

  private SimulatedWaiter run(Config config, Instant end, java.util.function.IntConsumer onWait)
      throws Exception {
    MutableClock clock = new MutableClock(START);
    SimulatedWaiter waiter = new SimulatedWaiter(clock, end);
    waiter.onWait(n -> onWait.accept(n));
    Daemon daemon =
        new Daemon(config, clock, waiter, c -> new SmtpTransport(null), () -> config, "test")
            .repliers(agents(clock));
    waiter.attach(daemon);
    this.clock = clock;
    daemon.run();
    return waiter;
  }

  private MutableClock clock;

  /** Reply agents through the real Graph SDK to the loopback Graph, on {@code clock}. */
  private static Daemon.ReplierFactory agents(java.time.Clock clock) {
    var env = Map.of("MAILASSURE_GRAPH_TOKEN", "token-for-tests");
    return (c, store, stopping, sleeper) ->
        new ReplyAgent(
            c,
            new MailboxMessages(
                GraphClients.create(c.graph(), Credentials.of(c.graph(), env)), sleeper, clock),
            store,
            clock,
            stopping);
  }

  private long listings() {
    return graph.requests().stream().filter(r -> r.method().equals("GET")).count();
  }

  @Test
  void theDaemonLooksAtStartThenEveryPollAndAnswersEachMessageOnce() throws Exception {
    Config config = config("{ poll: 5m }");
    graph.deliver(
        MAILBOX,
        "<before@assessment>",
        START.minus(Duration.ofHours(2)),
        ASSESSMENT,
        List.of(MAILBOX),
        List.of(),
        null,
        "sent while mailassure was not running");

    run(
        config,
        START.plus(Duration.ofHours(1)),
        n -> {
          if (n == 3 || n == 7) {
            graph.deliver(
                MAILBOX,
                "<during-" + n + "@assessment>",
                clock.instant(),
                ASSESSMENT,
                List.of(MAILBOX),
                List.of(),
                null,
                "assessment");
          }
        });

    // Looks at 09:00, 09:05, ... 09:55: twelve in an hour of 5-minute polls.
    assertThat(listings()).isEqualTo(12);
    assertThat(graph.replies()).hasSize(3);
    assertThat(graph.replies().stream().map(LoopbackGraph.SentReply::messageId).distinct())
        .hasSize(3);
    String metrics = Files.readString(dir.resolve("state/mailassure.prom"));
    assertThat(metrics)
        .contains(
            "mailassure_reply_last_look_timestamp_seconds{domain=\"d1.example.gov.uk\",mailbox=\""
                + MAILBOX
                + "\"} "
                + START.plus(Duration.ofMinutes(55)).getEpochSecond())
        .contains(
            "mailassure_reply_failures_total{domain=\"d1.example.gov.uk\",mailbox=\""
                + MAILBOX
                + "\"} 0");
  }

  @Test
  void looksGoOnWhileASlotsProbeWaitsOutItsBackOffs() throws Exception {
    Fixtures.writeMaterial(dir);
    try (org.mailassure.testing.LoopbackRelay relay =
        org.mailassure.testing.LoopbackRelay.builder(
                org.mailassure.testing.LoopbackRelay.Mode.STARTTLS)
            .tls(Fixtures.LOOPBACK.serverContext())
            .replies(i -> new org.subethamail.smtp.RejectException(451, "4.3.0 busy"))
            .build()
            .start()) {
      Config config =
          Fixtures.config(
              dir,
              """
              state-dir: state
              graph:
                tenant-id: contoso.onmicrosoft.com
                base-url: %s
                auth: { type: token, token-env: MAILASSURE_GRAPH_TOKEN }
              rule: { poll: 5m }
              probe:
                schedule: "0 9 * * *"
                time-zone: UTC
                transport: smtp
                retry: { attempts: 6, backoff: 20m, max-backoff: 20m }
                smtp: { host: 127.0.0.1, port: %d, auth: none, trust-store: ca.pem }
              domains:
                - name: d1.example.gov.uk
                  mailbox: %s
              """
                  .formatted(graph.baseUrl(), relay.port(), MAILBOX));

      run(config, START.plus(Duration.ofMinutes(90)), n -> {});

      // The slot's probe is refused at 09:00, 09:20, 09:40, 10:00 and 10:20, and between those
      // attempts the mailbox is still looked at every 5 minutes: 09:00, 09:05, ... 10:25.
      assertThat(relay.rejected()).isEqualTo(5);
      assertThat(listings()).isEqualTo(18);
    }
  }

  @Test
  void aStopLetsTheReplyInFlightFinishAndRecordsItAndSendsNoOther() throws Exception {
    graph.latency(Duration.ofMillis(300));
    Config config = config("{ poll: 5m }");
    for (int i = 1; i <= 3; i++) {
      graph.deliver(
          MAILBOX,
          "<stop-" + i + "@assessment>",
          Instant.now().minusSeconds(60 - i),
          ASSESSMENT,
          List.of(MAILBOX),
          List.of(),
          null,
          "assessment");
    }
    java.time.Clock clock = java.time.Clock.systemUTC();
    Daemon daemon =
        new Daemon(
                config,
                clock,
                Waiter.system(clock),
                c -> new SmtpTransport(null),
                () -> config,
                "test")
            .repliers(agents(clock));
    Thread running = new Thread(daemon::run, "daemon");
    running.start();
    // The stop comes while the first reply is at the server (which answers after 300 ms).
    while (graph.requests().stream().noneMatch(r -> r.method().equals("POST"))) {
      running.join(10);
      assertThat(running.isAlive()).isTrue();
    }
    daemon.stop();
    running.join(30_000);

    assertThat(running.isAlive()).isFalse();
    assertThat(graph.requests().stream().filter(r -> r.method().equals("POST"))).hasSize(1);
    try (var store = org.mailassure.testing.Records.store(dir.resolve("state"))) {
      assertThat(new org.mailassure.state.ReplyStore(store).outcomes(MAILBOX))
          .containsExactly("<stop-1@assessment> replied");
    }
  }

  @Test
  void inForwardModeTheDaemonNeverLooks() throws Exception {
    Config config = config("{ action: forward }");

    run(config, START.plus(Duration.ofHours(1)), n -> {});

    assertThat(graph.requests()).isEmpty();
  }
}
