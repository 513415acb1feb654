package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.testing.LoopbackDns;
import org.mailassure.testing.LoopbackGraph;

/**
 * Follows the README's "From the demo to your tenant" steps as written, on loopback: the config of
 * step 4 and every {@code mailassure} command of steps 5 to 9 are read from the README itself, so
 * the README cannot drift from the product. What only a real tenant has is swapped: Graph's
 * endpoint (a loopback Graph), the app's sign-in (a token), and the DNS the domain is served from
 * (a loopback DNS server); nothing else of the README's config is changed.
 */
class ReadmeStepsTest {
  private static final String ASSESSMENT = "emailsecurity@domaininformation.service.gov.uk";
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @TempDir Path dir;
  private LoopbackDns dns;
  private LoopbackGraph graph;

  @BeforeEach
  void start() throws Exception {
    graph = new LoopbackGraph();
    // The README's example domain, set up as a Microsoft 365 domain is: M365's MX, SPF include,
    // a DMARC policy reporting to NCSC's Mail Check as the gov.uk guidance asks. The MX host's
    // address is loopback, where no SMTP server listens.
    dns =
        new LoopbackDns()
            .add("example.gov.uk", "MX", "0 example-gov-uk.mail.protection.outlook.com.")
            .add("example-gov-uk.mail.protection.outlook.com", "A", "127.0.0.1")
            .txt("example.gov.uk", "v=spf1 include:spf.protection.outlook.com -all")
            .txt("spf.protection.outlook.com", "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 -all")
            .txt(
                "_dmarc.example.gov.uk",
                "v=DMARC1; p=reject; rua=mailto:dmarc-rua@dmarc.service.gov.uk")
            // The report destination's consent to receive them (RFC 7489 7.1).
            .txt("example.gov.uk._report._dmarc.dmarc.service.gov.uk", "v=DMARC1");
  }

  @AfterEach
  void stop() {
    dns.close();
    graph.close();
  }

  /** The README's section, from its heading to the next. */
  private static String section(String heading) throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("\n## " + heading + "\n");
    assertThat(start).as("the README has a section '%s'", heading).isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  /** The first fenced YAML block, its indentation under the list item removed. */
  private static String yaml(String section) {
    Matcher m = Pattern.compile("(?s)\n( *)```yaml\n(.*?)\n *```").matcher(section);
    assertThat(m.find()).as("step 4 shows the config as a yaml block").isTrue();
    String indent = m.group(1);
    return String.join(
        "\n",
        m.group(2)
            .lines()
            .map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l)
            .toList());
  }

  /** Every inline command that runs mailassure, in the README's order, without its sudo. */
  private static List<String[]> commands(String section) {
    List<String[]> out = new ArrayList<>();
    String prose = section.replaceAll("(?s)```.*?```", "");
    Matcher m = CODE.matcher(prose.replaceAll("\n\\s*", " "));
    while (m.find()) {
      List<String> words = new ArrayList<>(Arrays.asList(m.group(1).strip().split(" +")));
      // sudo (as root) or sudo -u mailassure (as the service's user): this test is one user.
      if (!words.isEmpty() && words.get(0).equals("sudo")) {
        words.remove(0);
        if (words.size() > 1 && words.get(0).equals("-u")) {
          words.subList(0, 2).clear();
        }
      }
      if (words.size() > 1 && words.get(0).equals("mailassure")) {
        out.add(words.subList(1, words.size()).toArray(String[]::new));
      }
    }
    return out;
  }

  @Test
  void theStepsFromTheDemoToATenantWorkAsWritten() throws Exception {
    String steps = section("From the demo to your tenant");

    // Step 4's config, with the tenant's endpoints and sign-in swapped for loopback ones.
    ObjectNode config = (ObjectNode) new YAMLMapper().readTree(yaml(steps));
    assertThat(config.at("/graph/auth/type").asText()).isEqualTo("client-secret");
    ObjectNode g = (ObjectNode) config.get("graph");
    g.put("base-url", graph.baseUrl());
    g.set(
        "auth",
        new ObjectMapper()
            .createObjectNode()
            .put("type", "token")
            .put("token-env", "MAILASSURE_GRAPH_TOKEN"));
    config.putObject("readiness").put("timeout", "2s").putArray("dns-servers").add(dns.address());
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(file, new YAMLMapper().writeValueAsString(config));
    String domain = config.at("/domains/0/name").asText();
    String mailbox = config.at("/domains/0/mailbox").asText();
    assertThat(domain).isEqualTo("example.gov.uk");

    // The assessment service has written to the shared mailbox, as it will once registered.
    graph.deliver(
        mailbox,
        "<assessment-1@domaininformation.service.gov.uk>",
        java.time.Instant.now().minus(Duration.ofMinutes(3)),
        ASSESSMENT,
        List.of(mailbox),
        List.of(),
        null,
        "Email security check");

    List<String[]> commands = commands(steps);
    assertThat(commands.stream().map(c -> c[0]))
        .containsExactly("validate", "check", "send", "journal", "reply", "status");
    // No -c: the commands find the config as the service's would (here $MAILASSURE_CONFIG).
    Map<String, String> env =
        Map.of(
            "MAILASSURE_CONFIG", file.toString(),
            "STATE_DIRECTORY", dir.resolve("state").toString(),
            "MAILASSURE_GRAPH_TOKEN", "token-for-tests");
    for (String[] command : commands) {
      CliRun r = CliRun.of(dir, env, Clock.systemUTC(), d -> {}, command);
      String said = String.join(" ", command) + ":\n" + r.out() + r.err();
      switch (command[0]) {
        case "validate" -> {
          assertThat(r.exitCode()).as(said).isZero();
          assertThat(r.out()).as(said).contains(domain, mailbox);
        }
        case "check" -> {
          // This domain publishes no DKIM or MTA-STS records and nothing answers on its MX, so
          // check fails, with a fix for each; the records it does publish pass: an MX host with
          // an address, SPF ending -all whose include exists (RFC 7208 5.2), DMARC p=reject
          // with Mail Check's rua.
          assertThat(r.exitCode()).as(said).isEqualTo(ExitCode.FAILED);
          JsonNode report = runJson(env, "check").at("/domains/0/checks");
          assertThat(status(report, "mx")).as(said).isEqualTo("pass");
          assertThat(status(report, "spf")).as(said).isEqualTo("pass");
          assertThat(status(report, "dmarc")).as(said).isEqualTo("pass");
          assertThat(status(report, "dkim")).as(said).isEqualTo("fail");
        }
        case "send" -> {
          assertThat(r.exitCode()).as(said).isZero();
          assertThat(graph.requests().stream().map(LoopbackGraph.Request::path))
              .contains("/v1.0/users/" + mailbox.replace("@", "%40") + "/sendMail");
        }
        case "journal" -> {
          assertThat(r.exitCode()).as(said).isZero();
          assertThat(r.out()).as(said).contains(domain).contains("sent");
        }
        case "reply" -> {
          assertThat(r.exitCode()).as(said).isZero();
          assertThat(graph.replies()).hasSize(1);
          assertThat(graph.replies().get(0).to()).containsExactly(ASSESSMENT);
        }
        case "status" -> {
          assertThat(r.exitCode()).as(said).isZero();
          assertThat(r.out()).as(said).contains(domain).contains(mailbox);
        }
        default -> throw new AssertionError("a step the test does not know: " + said);
      }
    }
  }

  private JsonNode runJson(Map<String, String> env, String command) throws Exception {
    CliRun r = CliRun.of(dir, env, Clock.systemUTC(), d -> {}, command, "--json");
    return new ObjectMapper().readTree(r.out());
  }

  private static String status(JsonNode checks, String id) {
    for (JsonNode c : checks) {
      if (c.get("id").asText().equals(id)) {
        return c.get("status").asText();
      }
    }
    throw new AssertionError("no check " + id + " in " + checks);
  }
}
