package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret files named through systemd's ${CREDENTIALS_DIRECTORY}. */
class CredentialsDirectoryTest {
  private static final String YAML =
      """
      graph:
        tenant-id: contoso.onmicrosoft.com
        auth: { type: client-secret, client-id: 00000000-0000-0000-0000-000000000000, client-secret-file: "${CREDENTIALS_DIRECTORY}/graph-secret" }
      domains:
        - name: example.gov.uk
          mailbox: secureemailreply@example.gov.uk
      """;

  @TempDir Path dir;

  @Test
  void insideTheServiceThePathIsResolvedInTheCredentialsDirectory() throws Exception {
    Files.writeString(dir.resolve("graph-secret"), "s");
    Config c =
        new ConfigLoader(Map.of("CREDENTIALS_DIRECTORY", dir.toString()), false)
            .parse(YAML, dir.resolve("mailassure.yaml"));
    assertThat(c.graph().auth().clientSecretFile()).isEqualTo(dir.resolve("graph-secret"));
  }

  @Test
  void insideTheServiceAMissingCredentialIsAnError() {
    assertThatThrownBy(
            () ->
                new ConfigLoader(Map.of("CREDENTIALS_DIRECTORY", dir.toString()), false)
                    .parse(YAML, dir.resolve("mailassure.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("graph-secret does not exist");
  }

  @Test
  void outsideTheServiceTheCredentialCannotBeCheckedAndIsAccepted() throws Exception {
    Config c = new ConfigLoader(Map.of(), false).parse(YAML, dir.resolve("mailassure.yaml"));
    assertThat(c.graph().auth().clientSecretFile().toString())
        .isEqualTo("${CREDENTIALS_DIRECTORY}/graph-secret");
  }

  @Test
  void outsideTheServiceValidateNotesThatOnlyTheServiceCanReadItAndProvisionSaysWhatToDoInstead()
      throws Exception {
    Files.writeString(dir.resolve("mailassure.yaml"), YAML);

    var validate =
        org.mailassure.cli.CliRun.of(
            dir, "validate", "-c", dir.resolve("mailassure.yaml").toString());
    assertThat(validate.exitCode()).as(validate.err()).isZero();
    assertThat(validate.out())
        .contains(
            "note: ${CREDENTIALS_DIRECTORY}/graph-secret is a systemd credential, which exists only"
                + " inside mailassure.service; to run this by hand, keep the file in /etc/mailassure"
                + " (owned root:mailassure, mode 0640) and name that path instead.");

    var provision =
        org.mailassure.cli.CliRun.of(
            dir, "provision", "--dry-run", "-c", dir.resolve("mailassure.yaml").toString());
    assertThat(provision.exitCode()).isEqualTo(3);
    assertThat(provision.err())
        .contains(
            "graph.auth.client-secret-file ${CREDENTIALS_DIRECTORY}/graph-secret is a systemd"
                + " credential");
  }
}
