package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.testing.Fixtures;

/**
 * The shipped example config loads, and the JSON Schema names exactly the keys the loader knows.
 */
class ExampleConfigTest {
  private static final Path EXAMPLE = Path.of("config/mailassure.example.yaml");
  private static final Path SCHEMA = Path.of("config/mailassure.schema.json");

  @TempDir Path dir;

  @Test
  void theExampleConfigLoadsOnceItsFilesExist() throws Exception {
    Fixtures.writeMaterial(dir);
    org.mailassure.testing.Fixtures.writeSecret(dir.resolve("secret"), "not-a-real-secret");
    String text =
        Files.readString(EXAMPLE)
            .replace("${CREDENTIALS_DIRECTORY}/graph-secret", dir.resolve("secret").toString())
            .replace(
                "/run/credentials/mailassure.service/relay-password",
                dir.resolve("secret").toString())
            .replace("/etc/mailassure/dkim/example.gov.uk.pem", dir.resolve("rsa.pem").toString())
            .replace(
                "/etc/mailassure/dkim/example.gov.uk-ed25519.pem",
                dir.resolve("ed25519.pem").toString());

    Config config = new ConfigLoader(Map.of(), false).parse(text, dir.resolve("mailassure.yaml"));

    assertThat(config.domains()).hasSize(2);
    assertThat(config.domains().get(0).dkim()).hasSize(2);
    assertThat(config.domains().get(0).selectors())
        .containsExactly("selector1", "selector2", "mailassure1", "mailassure2");
    assertThat(config.domains().get(1).smtp().host()).isEqualTo("relay.example.org.uk");
    assertThat(config.domains().get(1).smtp().port()).isEqualTo(587);
    assertThat(config.connectors()).hasSize(2);
  }

  /**
   * SPEC.md: "action: reply (default)", "poll: 5m", "max-replies-per-day: 48"; reply-text "a
   * sensible default that names the domain and mailassure".
   */
  @Test
  void withoutARuleSectionTheDaemonRepliesEveryFiveMinutesAtMost48TimesADay() throws Exception {
    Config config =
        new ConfigLoader(Map.of(), false)
            .parse(
                """
                probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
                domains:
                  - name: example.gov.uk
                    mailbox: secureemailreply@example.gov.uk
                """,
                dir.resolve("mailassure.yaml"));

    assertThat(config.rule().action()).isEqualTo(RuleSettings.Action.REPLY);
    assertThat(config.rule().poll()).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(config.rule().maxRepliesPerDay()).isEqualTo(48);
    assertThat(config.rule().replyTextFor("example.gov.uk"))
        .contains("example.gov.uk")
        .contains("mailassure");
    // No graph section: nothing can reach the mailbox, so nothing is answered (validate says so).
    assertThat(config.replying()).isEmpty();
  }

  @Test
  void theSchemaNamesExactlyTheKeysTheLoaderAccepts() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(SCHEMA.toFile());
    JsonNode top = schema.get("properties");
    assertThat(keys(top)).isEqualTo(ConfigLoader.TOP);
    assertThat(keys(top.at("/state/properties"))).isEqualTo(StateReader.KEYS);
    assertThat(keys(top.at("/graph/properties"))).isEqualTo(ConfigLoader.GRAPH);
    assertThat(keys(top.at("/graph/properties/auth/properties"))).isEqualTo(ConfigLoader.AUTH);
    assertThat(keys(top.at("/rule/properties"))).isEqualTo(ConfigLoader.RULE);
    assertThat(keys(top.at("/probe/properties"))).isEqualTo(ConfigLoader.PROBE);
    assertThat(keys(top.at("/probe/properties/retry/properties"))).isEqualTo(ConfigLoader.RETRY);
    assertThat(keys(top.at("/probe/properties/smtp/properties"))).isEqualTo(SmtpReader.KEYS);
    assertThat(keys(top.at("/readiness/properties"))).isEqualTo(ConfigLoader.READINESS);
    assertThat(keys(top.at("/connectors/items/properties"))).isEqualTo(ConfigLoader.CONNECTOR);
    assertThat(keys(top.at("/domains/items/properties"))).isEqualTo(DomainReader.DOMAIN);
    assertThat(keys(top.at("/domains/items/properties/dkim/items/properties")))
        .isEqualTo(DomainReader.DKIM);
    assertThat(keys(top.at("/domains/items/properties/smtp/properties")))
        .isEqualTo(SmtpReader.KEYS);
  }

  private static Set<String> keys(JsonNode properties) {
    Set<String> out = new HashSet<>();
    properties.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
