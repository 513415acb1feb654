package org.mailassure.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mailassure.testing.Installed;

/**
 * The .deb that {@code mvn package} builds, read with {@code dpkg-deb}, judged by {@code lintian},
 * and installed for real with {@code dpkg -i} on this machine when it is root and has no mailassure
 * installed already, then purged.
 */
class DebianPackageIT {
  private static final Path DEB =
      Installed.target()
          .resolve(
              "mailassure_"
                  + Installed.built().getFileName().toString().substring("mailassure-".length())
                  + "_"
                  + (System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64")
                  + ".deb");

  private record Result(int code, String out) {}

  private static Result run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  private static boolean installed(String tool) {
    return Files.isExecutable(Path.of("/usr/bin", tool));
  }

  @Test
  void thePackageHoldsTheLayoutTheUnitAndTheConfigAsAConffileAllOwnedByRoot() throws Exception {
    assumeTrue(installed("dpkg-deb"), "dpkg-deb is not installed");
    String contents = run("dpkg-deb", "-c", DEB.toString()).out();
    List<String> lines = contents.lines().toList();

    assertThat(lines).allMatch(l -> l.contains(" root/root "), "every file owned by root");
    assertThat(lines)
        .noneMatch(l -> l.matches("^.....w.*|^........w.*"), "nothing writable by group or others");
    assertThat(contents)
        .containsPattern("-rwxr-xr-x root/root +\\d+ .* \\./usr/share/mailassure/bin/mailassure\n")
        .containsPattern(
            "-rw-r--r-- root/root +\\d+ .* \\./usr/share/mailassure/lib/mailassure\\.jar\n")
        .containsPattern(
            "-rw-r--r-- root/root +\\d+ .* \\./usr/share/mailassure/lib/mailassure-boot\\.jar\n")
        // The Graph SDK's classes in use beside the rest of Graph's libraries; its whole jar apart.
        .containsPattern(
            "\\./usr/share/mailassure/lib/graph/microsoft-graph-[0-9.]+-common\\.jar\n")
        .containsPattern(
            "-rw-r--r-- root/root +\\d+ .* \\./usr/share/mailassure/lib/graph/complete/microsoft-graph-[0-9.]+\\.jar\n")
        .containsPattern("\\./usr/share/mailassure/lib/demo/subethasmtp-[0-9.]+\\.jar\n")
        .contains("./usr/bin/mailassure -> ../share/mailassure/bin/mailassure")
        .containsPattern(
            "-rw-r--r-- root/root +\\d+ .* \\./lib/systemd/system/mailassure\\.service\n")
        .containsPattern("-rw-r--r-- root/root +\\d+ .* \\./etc/mailassure/mailassure\\.yaml\n")
        .contains("./usr/share/doc/mailassure/copyright", "./usr/share/man/man1/mailassure.1.gz")
        .containsPattern(
            "-rw-r--r-- root/root +\\d+ .* \\./usr/share/doc/mailassure/examples/mailassure\\.example\\.yaml\n")
        .contains("./usr/share/doc/mailassure/examples/mailassure.schema.json")
        .contains(
            "./usr/share/man/man1/mailassure-check.1.gz",
            "./usr/share/man/man1/mailassure-dkim-keygen.1.gz",
            "./usr/share/man/man1/mailassure-reply.1.gz")
        .contains("./usr/share/bash-completion/completions/mailassure")
        .contains("./usr/share/zsh/vendor-completions/_mailassure");
    // One HTTP client: no Netty, and no native libraries for other platforms.
    assertThat(contents).doesNotContain("netty", "tcnative", "kqueue");

    assertThat(run("dpkg-deb", "-f", DEB.toString(), "Depends").out().strip())
        .isEqualTo(
            "default-jre-headless (>= 2:1.17) | openjdk-17-jre-headless, adduser, libc6 (>= 2.17)");
    assertThat(run("dpkg-deb", "-f", DEB.toString(), "Architecture").out().strip())
        .isEqualTo(System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64");
    // SQLite's library for this architecture only, under /usr/lib, reached from the layout.
    assertThat(contents)
        .containsPattern("\\./usr/lib/mailassure/native/Linux/[a-z0-9_]+/libsqlitejdbc\\.so\n")
        .contains("./usr/share/mailassure/lib/native -> ../../../lib/mailassure/native");
    Path control = Files.createTempDirectory("mailassure-deb-control");
    assertThat(run("dpkg-deb", "-e", DEB.toString(), control.toString()).code()).isZero();
    assertThat(Files.readString(control.resolve("conffiles")).strip())
        .isEqualTo("/etc/mailassure/mailassure.yaml");
    String postinst = Files.readString(control.resolve("postinst"));
    assertThat(postinst)
        .contains("adduser --system")
        .doesNotContain("systemctl", "deb-systemd-invoke");
  }

  @Test
  void lintianFindsNothingToSay() throws Exception {
    assumeTrue(installed("lintian"), "lintian is not installed");
    Result r = run("lintian", DEB.toString());
    assertThat(r.out().lines().filter(l -> l.matches("^[EWIXP]: .*")).toList())
        .as(r.out())
        .isEmpty();
    assertThat(r.code()).as(r.out()).isZero();
  }

  @Test
  void dpkgInstallsItWithoutStartingTheServiceAndTheInstalledCommandRuns() throws Exception {
    assumeTrue(
        installed("dpkg") && "root".equals(System.getProperty("user.name")), "needs dpkg and root");
    assumeTrue(
        run("dpkg-query", "-W", "-f", "${Status}", "mailassure").out().contains("not-installed")
            || run("dpkg-query", "-W", "mailassure").code() != 0,
        "mailassure is installed here already");
    assumeTrue(
        run("dpkg-query", "-W", "-f", "${Status}", "openjdk-17-jre-headless")
                .out()
                .contains("ok installed")
            || run("dpkg-query", "-W", "-f", "${Status}", "default-jre-headless")
                .out()
                .contains("ok installed"),
        "no Debian Java 17 to satisfy the dependency");
    try {
      Result install = run("dpkg", "-i", DEB.toString());
      assertThat(install.code()).as(install.out()).isZero();

      Result version = run("/usr/bin/mailassure", "--version");
      assertThat(version.code()).as(version.out()).isZero();
      assertThat(version.out()).startsWith("mailassure ");
      assertThat(run("getent", "passwd", "mailassure").out()).contains(":/var/lib/mailassure:");
      assertThat(run("stat", "-c", "%U:%G %a", "/etc/mailassure").out().strip())
          .isEqualTo("root:mailassure 750");
      assertThat(run("stat", "-c", "%U:%G %a", "/etc/mailassure/mailassure.yaml").out().strip())
          .isEqualTo("root:mailassure 640");
      assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/mailassure.service"))
          .doesNotExist();
      // The admin's /etc copy is theirs to edit; messages send them to the package's example.
      Result absent = run("/usr/bin/mailassure", "validate", "-c", "/etc/mailassure/absent.yaml");
      assertThat(absent.code()).isEqualTo(2);
      assertThat(absent.out())
          .contains(
              "create it from /usr/share/doc/mailassure/examples/mailassure.example.yaml or name"
                  + " another");

      // An admin, as root, makes a DKIM key beside the config, in /etc/mailassure, whose group is
      // the service's: the key is that group's to read, and the config is valid at once.
      Result keygen =
          run(
              "/usr/bin/mailassure",
              "dkim",
              "keygen",
              "--domain",
              "example.gov.uk",
              "--selector",
              "mailassure1",
              "--out",
              "/etc/mailassure");
      assertThat(keygen.code()).as(keygen.out()).isZero();
      Path key = Path.of("/etc/mailassure/example.gov.uk-mailassure1.pem");
      assertThat(run("stat", "-c", "%U:%G %a", key.toString()).out().strip())
          .isEqualTo("root:mailassure 640");
      Files.writeString(
          Path.of("/etc/mailassure/mailassure.yaml"),
          """
          probe: { transport: smtp, smtp: { host: smtp.example.gov.uk, auth: none } }
          domains:
            - name: example.gov.uk
              mailbox: secureemailreply@example.gov.uk
              dkim: [{ selector: mailassure1, private-key-file: %s }]
          """
              .formatted(key));
      Result valid = run("/usr/bin/mailassure", "validate");
      assertThat(valid.code()).as(valid.out()).isZero();

      // A key the service cannot read (root's own, as one copied in would be): validate says so
      // and how to fix it; after the fix the config is valid again.
      assertThat(run("chown", "root:root", key.toString()).code()).isZero();
      assertThat(run("chmod", "0600", key.toString()).code()).isZero();
      Result refused = run("/usr/bin/mailassure", "validate");
      assertThat(refused.code()).as(refused.out()).isEqualTo(2);
      assertThat(refused.out())
          .contains(
              "not readable by the service's user mailassure",
              "chown root:mailassure " + key + " && chmod 0640 " + key);
      assertThat(run("chown", "root:mailassure", key.toString()).code()).isZero();
      assertThat(run("chmod", "0640", key.toString()).code()).isZero();
      Result fixed = run("/usr/bin/mailassure", "validate");
      assertThat(fixed.code()).as(fixed.out()).isZero();

      // The demo records its probes in a SQLite store: the driver has no library of its own in
      // the package, so this works only through the one installed under /usr/lib/mailassure.
      Result demo = run("/usr/bin/mailassure", "demo");
      assertThat(demo.code()).as(demo.out()).isZero();
      if (installed("systemd-analyze")) {
        Result security =
            run(
                "systemd-analyze",
                "security",
                "--offline=true",
                "/lib/systemd/system/mailassure.service");
        Matcher m =
            Pattern.compile("Overall exposure level for mailassure.service: ([0-9.]+)")
                .matcher(security.out());
        assertThat(m.find()).as(security.out()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isLessThanOrEqualTo(1.5);
      }
    } finally {
      Files.deleteIfExists(Path.of("/etc/mailassure/example.gov.uk-mailassure1.pem"));
      Result purge = run("dpkg", "--purge", "mailassure");
      assertThat(purge.code()).as(purge.out()).isZero();
    }
    assertThat(Path.of("/usr/bin/mailassure")).doesNotExist();
    assertThat(Path.of("/usr/share/mailassure")).doesNotExist();
    assertThat(run("dpkg-statoverride", "--list", "/etc/mailassure").code()).isNotZero();
  }
}
