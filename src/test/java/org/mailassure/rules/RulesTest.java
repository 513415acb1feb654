package org.mailassure.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.cli.CliRun;
import org.mailassure.cli.ExitCode;
import org.mailassure.testing.LoopbackGraph;
import org.mailassure.testing.LoopbackGraph.Reply;
import org.mailassure.testing.LoopbackGraph.Request;
import org.mailassure.testing.RecordingSleeper;

/**
 * provision, rules list and rules remove through the real Graph SDK against a loopback server that
 * keeps messageRules per mailbox and records every request.
 */
class RulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ASSESSMENT = "emailsecurity@domaininformation.service.gov.uk";
  private static final String NAME = "mailassure: email security assessment reply";

  @TempDir Path dir;
  private LoopbackGraph graph;
  private final RecordingSleeper sleeper = new RecordingSleeper();

  @BeforeEach
  void start() throws Exception {
    graph = new LoopbackGraph();
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  private Path config(int domains) throws Exception {
    return config(domains, "forward");
  }

  private Path config(int domains, String action) throws Exception {
    StringBuilder b =
        new StringBuilder(
            """
        graph:
          tenant-id: contoso.onmicrosoft.com
          base-url: %s
          auth: { type: token, token-env: MAILASSURE_GRAPH_TOKEN }
        rule: { action: %s }
        probe:
          transport: graph
        domains:
        """
                .formatted(graph.baseUrl(), action));
    for (int i = 1; i <= domains; i++) {
      b.append("  - name: d")
          .append(i)
          .append(".example.gov.uk\n")
          .append("    mailbox: secureemailreply@d")
          .append(i)
          .append(".example.gov.uk\n");
    }
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(file, b);
    return file;
  }

  private CliRun run(String... args) {
    return CliRun.of(
        dir, Map.of("MAILASSURE_GRAPH_TOKEN", "token-for-tests"), Clock.systemUTC(), sleeper, args);
  }

  private List<Request> writes() {
    return graph.requests().stream().filter(Request::isWrite).toList();
  }

  private static String mailbox(int i) {
    return "secureemailreply@d" + i + ".example.gov.uk";
  }

  private String ownedRule(int i, boolean markAsRead) {
    return """
        {"displayName":"%s","sequence":1,"isEnabled":true,
         "conditions":{"fromAddresses":[{"emailAddress":{"address":"%s"}}],"sentToAddresses":[{"emailAddress":{"address":"%s"}}]},
         "actions":{"forwardTo":[{"emailAddress":{"address":"%s"}}],"markAsRead":%s,"stopProcessingRules":true}}
        """
        .formatted(NAME, ASSESSMENT, mailbox(i), ASSESSMENT, markAsRead);
  }

  @Test
  void theFirstRunCreatesTheRuleWithGraphsDocumentedShape() throws Exception {
    CliRun r = run("provision", "-c", config(1).toString());

    assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
    assertThat(graph.requests()).extracting(Request::method).containsExactly("GET", "POST");
    Request post = writes().get(0);
    assertThat(post.path())
        .isEqualTo(
            "/v1.0/users/secureemailreply%40d1.example.gov.uk/mailFolders/inbox/messageRules");
    assertThat(post.header("Authorization")).isEqualTo("Bearer token-for-tests");
    JsonNode body = JSON.readTree(post.body());
    assertThat(body.get("displayName").asText()).isEqualTo(NAME);
    assertThat(body.get("sequence").asInt()).isEqualTo(1);
    assertThat(body.get("isEnabled").asBoolean()).isTrue();
    assertThat(body.at("/conditions/fromAddresses").size()).isEqualTo(1);
    assertThat(body.at("/conditions/fromAddresses/0/emailAddress/address").asText())
        .isEqualTo(ASSESSMENT);
    assertThat(body.at("/conditions/sentToAddresses").size()).isEqualTo(1);
    assertThat(body.at("/conditions/sentToAddresses/0/emailAddress/address").asText())
        .isEqualTo(mailbox(1));
    assertThat(body.at("/actions/forwardTo").size()).isEqualTo(1);
    assertThat(body.at("/actions/forwardTo/0/emailAddress/address").asText()).isEqualTo(ASSESSMENT);
    assertThat(body.at("/actions/markAsRead").asBoolean()).isTrue();
    assertThat(body.at("/actions/stopProcessingRules").asBoolean()).isTrue();
    assertThat(body.has("exceptions")).isFalse();
    assertThat(r.out())
        .contains("create")
        .contains("done")
        .contains(
            "New-HostedOutboundSpamFilterPolicy -Name 'mailassure assessment forwarding' -AutoForwardingMode On")
        .contains("-From '" + mailbox(1) + "'");
  }

  @Test
  void inReplyModeProvisionRemovesTheOwnedForwardRuleAndPrintsNoForwardingPowerShell()
      throws Exception {
    String owned = graph.addRule(mailbox(1), ownedRule(1, true));
    String other = graph.addRule(mailbox(1), "{\"displayName\":\"someone else's\",\"sequence\":2}");

    CliRun r = run("provision", "-c", config(1, "reply").toString());

    assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
    assertThat(writes()).extracting(Request::method).containsExactly("DELETE");
    assertThat(writes().get(0).path()).endsWith("/messageRules/" + owned);
    assertThat(graph.rules(mailbox(1)))
        .extracting(n -> n.get("id").asText())
        .containsExactly(other);
    assertThat(r.out()).contains("rule.action is reply").doesNotContain("New-Hosted");
  }

  @Test
  void aSecondRunChangesNothing() throws Exception {
    Path c = config(3);
    run("provision", "-c", c.toString());
    int before = writes().size();

    CliRun r = run("provision", "-c", c.toString());

    assertThat(r.exitCode()).isZero();
    assertThat(writes()).hasSize(before);
    assertThat(r.out()).contains("unchanged").doesNotContain("(new)");
  }

  @Test
  void aRuleEditedByHandIsPutBackWithOnePatch() throws Exception {
    String id = graph.addRule(mailbox(1), ownedRule(1, true));
    graph.editRule(mailbox(1), id, "actions.markAsRead", BooleanNode.FALSE);
    graph.editRule(mailbox(1), id, "isEnabled", BooleanNode.FALSE);

    CliRun r = run("provision", "-c", config(1).toString());

    assertThat(r.exitCode()).isZero();
    assertThat(writes())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.method()).isEqualTo("PATCH");
              assertThat(w.path()).endsWith("/messageRules/" + id);
              JsonNode body = JSON.readTree(w.body());
              assertThat(body.get("isEnabled").asBoolean()).isTrue();
              assertThat(body.at("/actions/markAsRead").asBoolean()).isTrue();
              assertThat(body.at("/actions/stopProcessingRules").asBoolean()).isTrue();
              assertThat(body.at("/actions/forwardTo/0/emailAddress/address").asText())
                  .isEqualTo(ASSESSMENT);
              assertThat(body.has("conditions")).isFalse();
              assertThat(body.has("displayName")).isFalse();
            });
    assertThat(r.out())
        .contains("actions.markAsRead: false -> true")
        .contains("isEnabled: false -> true");
  }

  @Test
  void duplicatesAreCutToOneAndOtherRulesAreNeverTouched() throws Exception {
    String other =
        graph.addRule(
            mailbox(1),
            "{\"displayName\":\"Move newsletters\",\"sequence\":2,\"isEnabled\":true,"
                + "\"actions\":{\"moveToFolder\":\"abc\"}}");
    String a = graph.addRule(mailbox(1), ownedRule(1, false));
    String b = graph.addRule(mailbox(1), ownedRule(1, true));
    String c = graph.addRule(mailbox(1), ownedRule(1, true));

    CliRun r = run("provision", "-c", config(1).toString());

    assertThat(r.exitCode()).isZero();
    assertThat(writes())
        .extracting(w -> w.method() + " " + w.path().substring(w.path().lastIndexOf('/') + 1))
        .containsExactlyInAnyOrder("DELETE " + a, "DELETE " + c);
    assertThat(graph.rules(mailbox(1)))
        .extracting(n -> n.get("id").asText())
        .containsExactly(other, b);
    assertThat(graph.requests()).noneMatch(q -> q.path().endsWith(other));
  }

  @Test
  void pagesOfRulesThatNeverEndAreStoppedAndNothingIsWritten() throws Exception {
    graph.endlessRulePages();
    graph.addRule(mailbox(1), ownedRule(1, true));

    CliRun r = run("provision", "-c", config(1).toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out() + r.err())
        .contains("Graph sent more than " + MailboxRules.MAX_PAGES + " pages of inbox rules for")
        .contains("nothing was changed");
    assertThat(writes()).isEmpty();
    assertThat(graph.requests())
        .filteredOn(q -> q.method().equals("GET"))
        .hasSize(MailboxRules.MAX_PAGES);
  }

  @Test
  void ownedRulesOnLaterPagesAreFoundSoDuplicatesAcrossPagesAreCutToOne() throws Exception {
    // Two rules a page: the owned ones sit on pages one, two and three.
    graph.pageSize(2);
    String other =
        graph.addRule(
            mailbox(1),
            "{\"displayName\":\"Move newsletters\",\"sequence\":2,\"isEnabled\":true,"
                + "\"actions\":{\"moveToFolder\":\"abc\"}}");
    String a = graph.addRule(mailbox(1), ownedRule(1, true));
    String other2 =
        graph.addRule(
            mailbox(1),
            "{\"displayName\":\"Flag the boss\",\"sequence\":3,\"isEnabled\":true,"
                + "\"actions\":{\"markImportance\":\"high\"}}");
    String b = graph.addRule(mailbox(1), ownedRule(1, true));
    String c = graph.addRule(mailbox(1), ownedRule(1, true));

    CliRun r = run("provision", "-c", config(1).toString());

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(graph.requests())
        .filteredOn(q -> q.method().equals("GET"))
        .extracting(q -> String.valueOf(q.query()))
        .contains("null", "$skiptoken=2", "$skiptoken=4");
    assertThat(writes()).hasSize(2).allMatch(w -> w.method().equals("DELETE"));
    assertThat(graph.rules(mailbox(1)))
        .extracting(n -> n.get("id").asText())
        .contains(other, other2)
        .hasSize(3)
        .containsAnyOf(a, b, c);
  }

  @Test
  void aGraphHostThatDoesNotResolveIsSaidInWordsWithoutAStackTraceAndExitsThree() throws Exception {
    // The test JVM resolves names from a hosts file only, so this asks no DNS server.
    Path file = dir.resolve("unresolvable.yaml");
    Files.writeString(
        file,
        Files.readString(config(1)).replace(graph.baseUrl(), "https://graph.example.invalid/v1.0"));

    CliRun r = run("provision", "--dry-run", "-c", file.toString());

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.out() + r.err())
        .contains("its host name did not resolve")
        .contains("check graph.base-url or graph.cloud")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void aDryRunPlansButSendsNoWrite() throws Exception {
    graph.addRule(mailbox(2), ownedRule(2, false));
    CliRun r = run("provision", "--dry-run", "-c", config(2).toString());

    assertThat(r.exitCode()).isZero();
    assertThat(writes()).isEmpty();
    assertThat(r.out())
        .contains("create")
        .contains("update")
        .contains("planned (dry run)")
        .contains("actions.markAsRead: false -> true");
  }

  @Test
  void a429IsWaitedOutForItsRetryAfter() throws Exception {
    graph.then(
        Reply.error(
            429,
            "ApplicationThrottled",
            "Application is over its MailboxConcurrency limit.",
            Map.of("Retry-After", "7")));

    CliRun r = run("provision", "-c", config(1).toString());

    assertThat(r.exitCode()).as(r.out()).isZero();
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
    assertThat(graph.rules(mailbox(1))).hasSize(1);
  }

  @Test
  void aRetryAfterOfADayIsNotWaitedOutAndTheCommandSaysWhatGraphAsked() throws Exception {
    graph.then(
        Reply.error(
            429,
            "ApplicationThrottled",
            "Application is over its MailboxConcurrency limit.",
            Map.of("Retry-After", "86400")));

    CliRun r = run("provision", "-c", config(1).toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(sleeper.waits()).isEmpty();
    assertThat(r.out() + r.err())
        .contains("Graph asked to wait 24 h (Retry-After), longer than mailassure waits (5 min)");
    assertThat(graph.rules(mailbox(1))).isEmpty();
  }

  @Test
  void a403NamesThePermissionAndTheMailboxAndAllFailingSoExitsThree() throws Exception {
    graph.then(
        Reply.error(
            403,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
            Map.of()));

    CliRun r = run("provision", "-c", config(1).toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(r.out())
        .contains("MailboxSettings.ReadWrite")
        .contains(mailbox(1))
        .contains("RBAC for Applications");
    assertThat(writes()).isEmpty();
  }

  @Test
  void a404SaysTheMailboxDoesNotExistAndTheOtherMailboxesGoOn() throws Exception {
    graph.then(Reply.error(404, "ErrorInvalidUser", "The requested user is invalid.", Map.of()));

    CliRun r = run("provision", "-c", config(3).toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
    assertThat(r.out()).contains("has no mailbox").contains("ErrorInvalidUser");
    assertThat(writes()).hasSize(2);
  }

  @Test
  void neverMoreThanFourRequestsAreInFlight() throws Exception {
    graph.latency(Duration.ofMillis(30));

    CliRun r = run("provision", "-c", config(20).toString());

    assertThat(r.exitCode()).isZero();
    assertThat(writes()).hasSize(20);
    assertThat(graph.maxInFlight()).isLessThanOrEqualTo(4).isGreaterThan(1);
  }

  @Test
  void rulesListShowsOwnedRulesAndTheirDrift() throws Exception {
    graph.addRule(mailbox(1), ownedRule(1, false));
    graph.addRule(mailbox(1), "{\"displayName\":\"Someone else's\",\"isEnabled\":true}");

    CliRun r = run("rules", "list", "--json", "-c", config(2).toString());

    assertThat(r.exitCode()).isZero();
    assertThat(writes()).isEmpty();
    JsonNode doc = JSON.readTree(r.out());
    assertThat(doc.at("/mailboxes/0/owned_rules").size()).isEqualTo(1);
    assertThat(doc.at("/mailboxes/0/plan/0/action").asText()).isEqualTo("update");
    assertThat(doc.at("/mailboxes/0/plan/0/detail").asText()).contains("actions.markAsRead");
    assertThat(doc.at("/mailboxes/1/owned_rules").size()).isZero();
  }

  @Test
  void rulesRemoveDeletesOnlyOwnedRules() throws Exception {
    String mine = graph.addRule(mailbox(1), ownedRule(1, true));
    String theirs = graph.addRule(mailbox(1), "{\"displayName\":\"Keep me\",\"isEnabled\":true}");

    CliRun dry = run("rules", "remove", "--dry-run", "-c", config(1).toString());
    assertThat(dry.exitCode()).isZero();
    assertThat(writes()).isEmpty();

    CliRun r = run("rules", "remove", "-c", config(1).toString());
    assertThat(r.exitCode()).isZero();
    assertThat(writes())
        .extracting(w -> w.method() + " " + w.path().substring(w.path().lastIndexOf('/') + 1))
        .containsExactly("DELETE " + mine);
    assertThat(graph.rules(mailbox(1)))
        .extracting(n -> n.get("id").asText())
        .containsExactly(theirs);
  }

  @Test
  void provisionWithoutAGraphSectionIsAUsageError() throws Exception {
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(
        file,
        """
        probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """);
    CliRun r = run("provision", "-c", file.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("there is no 'graph' section");
  }
}
