package org.mailassure.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.Config;
import org.mailassure.graph.Credentials;
import org.mailassure.graph.GraphClients;
import org.mailassure.state.ReplyStore;
import org.mailassure.state.StateStore;
import org.mailassure.state.Stores;
import org.mailassure.testing.Fixtures;
import org.mailassure.testing.LoopbackGraph;
import org.mailassure.testing.LoopbackPostgres;

/**
 * Two reply agents on two "hosts" (each its own database connection and holder) share one real
 * PostgreSQL store and look at the same mailboxes at the same moment: each assessment message must
 * be answered exactly once.
 */
class TwoAgentsPostgresTest {
  private static final String ASSESSMENT = "emailsecurity@domaininformation.service.gov.uk";

  @TempDir Path dir;
  private LoopbackGraph graph;
  private LoopbackPostgres.Database db;

  @BeforeEach
  void start() throws Exception {
    graph = new LoopbackGraph().latency(Duration.ofMillis(5));
    db = LoopbackPostgres.shared().newDatabase("pw-two-agents");
    Path pw = dir.resolve("db-password");
    Files.writeString(pw, "pw-two-agents\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  @Test
  void twoDaemonsSharingPostgresqlAnswerEachMessageOnce() throws Exception {
    StringBuilder domains = new StringBuilder();
    Instant now = Instant.now();
    for (int i = 1; i <= 3; i++) {
      String mailbox = String.format(Locale.ROOT, "m@d%d.example.gov.uk", i);
      domains.append(
          String.format(
              Locale.ROOT, "  - name: d%d.example.gov.uk\n    mailbox: %s\n", i, mailbox));
      for (int m = 0; m < 8; m++) {
        graph.deliver(
            mailbox,
            String.format(Locale.ROOT, "<%d.%d@assessment>", i, m),
            now.minus(Duration.ofMinutes(20 - m)),
            ASSESSMENT,
            List.of(mailbox),
            List.of(),
            null,
            "assessment");
      }
    }
    Config config =
        Fixtures.config(
            dir,
            """
            state-dir: state
            state: { url: %s, username: %s, password-file: db-password }
            graph:
              tenant-id: contoso.onmicrosoft.com
              base-url: %s
              auth: { type: token, token-env: MAILASSURE_GRAPH_TOKEN }
            domains:
            %s"""
                .formatted(db.url(), db.role(), graph.baseUrl(), domains));
    var env = Map.of("MAILASSURE_GRAPH_TOKEN", "token-for-tests");
    List<StateStore> stores = new ArrayList<>();
    List<ReplyAgent> agents = new ArrayList<>();
    for (int host = 0; host < 2; host++) {
      StateStore store = Stores.open(config, now, false);
      stores.add(store);
      agents.add(
          new ReplyAgent(
              config,
              new MailboxMessages(
                  GraphClients.create(config.graph(), Credentials.of(config.graph(), env)),
                  d -> {},
                  Clock.systemUTC()),
              new ReplyStore(store),
              Clock.systemUTC(),
              () -> false));
    }
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<List<ReplyAgent.LookResult>>> runs = new ArrayList<>();
    for (ReplyAgent agent : agents) {
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                return agent.lookAll(config.replying());
              }));
    }
    go.countDown();
    List<ReplyAgent.LookResult> results = new ArrayList<>();
    for (var r : runs) {
      results.addAll(r.get());
    }
    stores.forEach(StateStore::close);

    assertThat(results).allMatch(ReplyAgent.LookResult::ok);
    assertThat(graph.replies()).hasSize(24);
    assertThat(graph.replies().stream().map(LoopbackGraph.SentReply::messageId).distinct())
        .hasSize(24);
    assertThat(results.stream().mapToLong(ReplyAgent.LookResult::replied).sum()).isEqualTo(24);
  }
}
