package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** state.url as the PostgreSQL driver will get it. */
class StateUrlTest {
  @TempDir Path dir;

  private Config load(String url) throws Exception {
    Path config = dir.resolve("mailassure.yaml");
    Files.writeString(
        config,
        """
        state:
          url: %s
        probe: { transport: smtp, smtp: { host: relay.example.gov.uk, auth: none } }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """
            .formatted(url));
    return new ConfigLoader(Map.of(), false).load(config);
  }

  @Test
  void aRelativeCaFileIsFoundBesideTheConfigAndPassedAsAFullPath() throws Exception {
    Files.writeString(dir.resolve("db-ca.pem"), "-----BEGIN CERTIFICATE-----\n");

    Config c =
        load("postgresql://db.example.gov.uk:5432/m?sslmode=verify-full&sslrootcert=db-ca.pem");

    assertThat(c.state().jdbcUrl())
        .isEqualTo(
            "jdbc:postgresql://db.example.gov.uk:5432/m?sslmode=verify-full&sslrootcert="
                + URLEncoder.encode(dir.resolve("db-ca.pem").toString(), StandardCharsets.UTF_8));
  }

  @Test
  void aDatabaseOnThisMachineNeedsNoTls() throws Exception {
    assertThat(load("postgresql://127.0.0.1:5432/m").state().jdbcUrl())
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/m");
  }
}
