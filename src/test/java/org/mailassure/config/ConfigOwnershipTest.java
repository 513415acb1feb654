package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whoever can change the config chooses where signed probes and Graph tokens go, so a config others
 * can change is refused, as OpenSSH refuses its files ("Bad owner or permissions").
 */
class ConfigOwnershipTest {
  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void write() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    config = dir.resolve("mailassure.yaml");
    Files.writeString(
        config,
        """
        state-dir: state
        probe: { transport: smtp, smtp: { host: relay.example.gov.uk, auth: none } }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
  }

  private Config load(boolean root) throws ConfigException {
    return new ConfigLoader(Map.of(), root).load(config);
  }

  private static void chown(Path p, String user, String group) throws Exception {
    var users = p.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal u = users.lookupPrincipalByName(user);
    GroupPrincipal g = users.lookupPrincipalByGroupName(group);
    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
    view.setOwner(u);
    view.setGroup(g);
  }

  private static boolean runningAsRoot() throws Exception {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0;
  }

  @Test
  void aConfigOnlyItsOwnerCanChangeIsRead() throws Exception {
    assertThat(load(false).domains()).hasSize(1);
    assertThat(load(runningAsRoot()).domains()).hasSize(1);
  }

  @Test
  void aConfigEveryUserCanWriteIsRefusedWithTheChmod() throws Exception {
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));

    assertThatThrownBy(() -> load(false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "config file " + config + " is not used: it can be changed by every user")
        .hasMessageContaining("run 'chmod o-w " + config.toRealPath() + "'");
  }

  @Test
  void aDirectoryEveryUserCanWriteIsRefusedUnlessItIsSticky() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> load(false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "its directory " + dir.toRealPath() + " can be changed by every user");

    // Sticky, as /tmp is: no one can replace a file that is not theirs.
    new ProcessBuilder("chmod", "1777", dir.toString()).start().waitFor();
    assertThat(load(false).domains()).hasSize(1);
  }

  @Test
  void asRootAConfigAnotherUserOwnsIsRefused() throws Exception {
    assumeTrue(runningAsRoot(), "only root can give a file away");
    chown(config, "nobody", "root");

    assertThat(load(false).domains()).hasSize(1);
    assertThatThrownBy(() -> load(true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("it belongs to nobody, who could send")
        .hasMessageContaining("; run 'chown root ");
  }

  @Test
  void asRootAConfigAGroupOtherThanRootsCanWriteIsRefused() throws Exception {
    assumeTrue(runningAsRoot(), "only root can give a file to another group");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-r--"));
    chown(config, "root", "root");
    assertThat(load(true).domains()).hasSize(1);

    chown(config, "root", "nogroup");

    assertThatThrownBy(() -> load(true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("it can be changed by the group nogroup, who could send")
        .hasMessageContaining("; run 'chmod g-w ");
  }
}
