package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outline dkim keygen and demo read: domains and keys only, nothing opened, nothing judged. */
class ConfigOutlineTest {
  @TempDir Path dir;

  private static final String YAML =
      """
      probe: { transport: carrier-pigeon }
      domains:
        - name: First.GOV.uk
          mailbox: shared@first.gov.uk
          dkim:
            - { selector: S1, private-key-file: keys/one.pem }
            - { selector: "not a selector", private-key-file: keys/two.pem }
            - { selector: s3 }
            - { selector: s4, private-key-file: /abs/four.pem }
            - { selector: s5, private-key-file: "${CREDENTIALS_DIRECTORY}/five.pem" }
        - mailbox: nameless@example.gov.uk
        - name: "not a domain"
        - just a string
        - name: second.gov.uk
      """;

  @Test
  void domainsAndTheirKeysAreReadWhateverElseTheConfigGetsWrong() throws Exception {
    Path file = Files.writeString(dir.resolve("mailassure.yaml"), YAML);

    ConfigOutline outline = new ConfigLoader(Map.of(), false).outline(file);

    assertThat(outline.source()).isEqualTo(file);
    assertThat(outline.domains())
        .extracting(ConfigOutline.Domain::name)
        .containsExactly("first.gov.uk", "second.gov.uk");
    ConfigOutline.Domain first = outline.domain("first.gov.uk").orElseThrow();
    assertThat(first.mailbox()).isEqualTo("shared@first.gov.uk");
    assertThat(first.dkim())
        .containsExactly(
            new ConfigOutline.Key("s1", dir.resolve("keys/one.pem")),
            new ConfigOutline.Key("s4", Path.of("/abs/four.pem")));
    assertThat(outline.domain("second.gov.uk").orElseThrow().mailbox()).isNull();
    assertThat(outline.domain("third.gov.uk")).isEmpty();
  }

  @Test
  void aSystemdCredentialIsResolvedOnlyWhereItsDirectoryIsKnown() throws Exception {
    Path file = Files.writeString(dir.resolve("mailassure.yaml"), YAML);

    ConfigOutline inside =
        new ConfigLoader(Map.of("CREDENTIALS_DIRECTORY", "/run/credentials/x"), false)
            .outline(file);

    assertThat(inside.domain("first.gov.uk").orElseThrow().key("s5"))
        .contains(new ConfigOutline.Key("s5", Path.of("/run/credentials/x/five.pem")));
  }

  @Test
  void aFileThatIsNotYamlOrThatOthersCanChangeIsRefusedAsLoadRefusesIt() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "domains: [ { name: x\n");
    Path open = Files.writeString(dir.resolve("open.yaml"), "domains: []\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
    ConfigLoader loader = new ConfigLoader(Map.of(), false);

    assertThatThrownBy(() -> loader.outline(broken))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(broken.toString());
    assertThatThrownBy(() -> loader.outline(open))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("can be changed by every user");
    assertThatThrownBy(() -> loader.load(open))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("can be changed by every user");
  }
}
