package org.mailassure.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service account's view of a file, by the classic rules of POSIX access (the owner's bits if
 * it owns the file, else the group's if it is in the file's group, else the others'; search
 * permission on every directory above). The files live in a temporary directory; where the unit
 * hides directories (/tmp among them) is tested on its own, so these cases pass wherever the
 * checkout is.
 */
class ServiceAccountTest {
  /** Runs as root here; the account is someone else: uid 64999, group 64998. */
  private static final ServiceAccount SERVICE =
      new ServiceAccount("mailassure", 64_999, Set.of(64_998L));

  @org.junit.jupiter.api.io.TempDir Path dir;

  @BeforeEach
  void openDir() throws IOException {
    // Searchable by others, as /tmp above it is, so only the file's own bits decide.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The account's view with no directory hidden by the unit. */
  private static java.util.Optional<String[]> view(Path file) {
    return SERVICE.cannotRead(file, java.util.List.of());
  }

  @AfterEach
  void reopen() throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
      }
    }
  }

  private Path file(String name, String mode, Long gid) throws IOException {
    Path f = Files.writeString(dir.resolve(name), "key");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    if (gid != null) {
      Files.setAttribute(f, "unix:gid", gid.intValue());
    }
    return f;
  }

  @Test
  void aKeyOnlyRootCanReadIsNotReadableByTheServiceAndTheFixNamesChownAndChmod()
      throws IOException {
    Path key = file("dkim.pem", "rw-------", null);

    var why = view(key);

    assertThat(why).isPresent();
    assertThat(why.get()[0])
        .contains(key.toString(), "not readable by the service's user mailassure", "mode 0600");
    assertThat(why.get()[1])
        .isEqualTo("run 'chown root:mailassure " + key + " && chmod 0640 " + key + "'");
  }

  @Test
  void aKeyInTheServicesGroupWithGroupReadIsReadable() throws IOException {
    assertThat(view(file("dkim.pem", "rw-r-----", 64_998L))).isEmpty();
  }

  @Test
  void groupReadDoesNotHelpWhenTheFileIsInAnotherGroup() throws IOException {
    assertThat(view(file("dkim.pem", "rw-r-----", 0L))).isPresent();
  }

  @Test
  void aReadableFileInADirectoryTheServiceCannotEnterIsUnreachable() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("private"));
    Path key = Files.writeString(sub.resolve("dkim.pem"), "key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwx------"));

    var why = view(key);

    assertThat(why).isPresent();
    assertThat(why.get()[0]).contains("may not enter " + sub);
  }

  @Test
  void filesUnderHomeOrTmpAreHiddenFromTheServiceWhateverTheirMode() {
    for (String p :
        new String[] {
          "/root/dkim.pem", "/home/admin/dkim.pem", "/tmp/dkim.pem", "/var/tmp/x.pem"
        }) {
      var why = SERVICE.cannotRead(Path.of(p));
      assertThat(why).as(p).isPresent();
      assertThat(why.get()[0]).contains("cannot see " + p, "hides");
    }
  }

  @Test
  void theAccountIsReadFromPasswdAndGroupWithItsSupplementaryGroups() throws IOException {
    Path passwd =
        Files.writeString(
            dir.resolve("passwd"),
            """
        root:x:0:0:root:/root:/bin/bash
        mailassure:x:998:997:mailassure daemon:/var/lib/mailassure:/usr/sbin/nologin
        """);
    Path group =
        Files.writeString(
            dir.resolve("group"),
            """
        root:x:0:
        mailassure:x:997:
        ssl-cert:x:110:postfix,mailassure
        """);

    assertThat(ServiceAccount.lookup("mailassure", passwd, group))
        .contains(new ServiceAccount("mailassure", 998, Set.of(997L, 110L)));
    assertThat(ServiceAccount.lookup("nobody", passwd, group)).isEmpty();
  }

  @Test
  void anotherUsersNameWrittenInLatin1DoesNotHideTheAccount() throws IOException {
    // passwd(5) gives the GECOS field no encoding; an old entry in ISO 8859-1 is not UTF-8.
    Path passwd = dir.resolve("passwd");
    Files.write(
        passwd,
        ("root:x:0:0:root:/root:/bin/bash\n"
                + "jose:x:1000:1000:Jos\u00e9 Garc\u00eda:/home/jose:/bin/bash\n"
                + "mailassure:x:998:997::/var/lib/mailassure:/usr/sbin/nologin\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Path group = Files.writeString(dir.resolve("group"), "mailassure:x:997:\n");

    assertThat(ServiceAccount.lookup("mailassure", passwd, group))
        .contains(new ServiceAccount("mailassure", 998, Set.of(997L)));
  }
}
