package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.testing.LoopbackGraph;
import org.mailassure.testing.LoopbackGraph.Reply;
import org.mailassure.testing.RecordingSleeper;

/** A Graph server that echoes the bearer token in its error: the token appears nowhere. */
class SecretEchoTest {
  private static final String TOKEN = "opaque-token-0123456789abcdef";

  @TempDir Path dir;
  private LoopbackGraph graph;

  @BeforeEach
  void start() throws Exception {
    graph = new LoopbackGraph();
    Files.writeString(
        dir.resolve("mailassure.yaml"),
        """
        state-dir: %s/state
        graph:
          tenant-id: contoso.onmicrosoft.com
          base-url: %s
          auth: { type: token, token-env: MAILASSURE_GRAPH_TOKEN }
        probe:
          transport: graph
          retry: { attempts: 1, backoff: 1m, max-backoff: 10m }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """
            .formatted(dir, graph.baseUrl()));
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  @Test
  void aTokenEchoedInAGraphErrorReachesNeitherOutputNorTheJournal() throws Exception {
    Reply echo =
        Reply.error(
            403,
            "ErrorAccessDenied",
            "Access is denied for Authorization: Bearer " + TOKEN + " (token " + TOKEN + ")",
            Map.of());
    graph.then(echo, echo);

    CliRun run =
        CliRun.of(
            dir,
            Map.of("MAILASSURE_GRAPH_TOKEN", TOKEN),
            Clock.systemUTC(),
            new RecordingSleeper(),
            "send",
            "-c",
            dir.resolve("mailassure.yaml").toString());
    CliRun json =
        CliRun.of(
            dir,
            Map.of("MAILASSURE_GRAPH_TOKEN", TOKEN),
            Clock.systemUTC(),
            new RecordingSleeper(),
            "send",
            "--json",
            "-c",
            dir.resolve("mailassure.yaml").toString());

    assertThat(graph.requests()).isNotEmpty();
    for (CliRun r : new CliRun[] {run, json}) {
      assertThat(r.exitCode()).isNotZero();
      assertThat(r.out() + r.err()).doesNotContain(TOKEN).contains("[redacted]");
    }
    assertThat(org.mailassure.testing.Records.rawBytes(dir.resolve("state")))
        .doesNotContain(TOKEN)
        .contains("[redacted]");
  }
}
