package org.mailassure.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.demo.LoopbackGraph;

/**
 * The packaged jar as users run it: the Graph SDK, Azure Identity, Bouncy Castle and SubEthaSMTP
 * are packed inside it, kept out of its own directory, and unpacked into the cache by the first
 * command that needs them; Graph rules, the graph transport and the demo then work from it.
 */
class PackedLibrariesIT {
  private static final Path JAR = Path.of("target/mailassure.jar").toAbsolutePath();
  private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

  @TempDir Path dir;
  private LoopbackGraph graph;
  private Path config;

  @BeforeEach
  void start() throws IOException {
    graph = new LoopbackGraph();
    config = dir.resolve("mailassure.yaml");
    Files.writeString(config, """
        state-dir: state
        graph:
          tenant-id: contoso.onmicrosoft.com
          base-url: %s
          auth: { type: token, token-env: MAILASSURE_GRAPH_TOKEN }
        probe:
          transport: graph
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """.formatted(graph.baseUrl()));
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  private record Run(int exitCode, String out, String err) {}

  private Run mailassure(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
    Collections.addAll(command, args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
    pb.environment().remove("CACHE_DIRECTORY");
    pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    pb.environment().put("MAILASSURE_GRAPH_TOKEN", "token-for-tests");
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
  }

  private List<Path> cached() throws IOException {
    try (var files = Files.list(dir.resolve("cache/mailassure"))) {
      return files.toList();
    }
  }

  @Test
  void theJarsOwnDirectoryHoldsNoneOfThePackedLibrariesAndThePackedOnesHoldTheProbeClass() throws IOException {
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      assertThat(jar.size()).isLessThan(5_000);
      assertThat(jar.stream().map(ZipEntry::getName))
          .noneMatch(n -> n.startsWith("com/microsoft/graph/") || n.startsWith("com/azure/")
              || n.startsWith("org/bouncycastle/") || n.startsWith("org/subethamail/"))
          .anyMatch(n -> n.startsWith("org/mailassure/schedule/"))
          .contains(Libraries.PACKED);
      boolean probeClassPacked = false;
      try (var packed = new java.util.zip.ZipInputStream(jar.getInputStream(jar.getEntry(Libraries.PACKED)))) {
        for (ZipEntry e; (e = packed.getNextEntry()) != null && !probeClassPacked; ) {
          probeClassPacked = e.getName().equals(Libraries.PROBE_CLASS);
        }
      }
      assertThat(probeClassPacked).as("the packed libraries hold " + Libraries.PROBE_CLASS).isTrue();
    }
  }

  @Test
  void provisionUnpacksTheLibrariesOnceAndTheGraphTransportAndRuleCheckUseThem() throws Exception {
    Run provision = mailassure("provision", "-c", config.toString());

    assertThat(provision.exitCode()).as(provision.err()).isZero();
    assertThat(graph.rules("secureemailreply@example.gov.uk")).hasSize(1);
    List<Path> unpacked = cached();
    assertThat(unpacked).singleElement().satisfies(jar -> {
      assertThat(jar.getFileName().toString()).startsWith("libraries-").endsWith(".jar");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar))).isEqualTo("rw-------");
    });
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cache/mailassure"))))
        .isEqualTo("rwx------");
    var written = Files.getLastModifiedTime(unpacked.get(0));

    Run send = mailassure("send", "-c", config.toString());

    assertThat(send.exitCode()).as(send.err()).isZero();
    assertThat(graph.requests()).anyMatch(r -> r.method().equals("POST") && r.path().endsWith("/sendMail"));

    Run check = mailassure("check", "--only", "rule", "-c", config.toString());

    assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
    assertThat(check.out()).containsPattern("(?m)^  rule +pass +enabled and matching");
    assertThat(cached()).isEqualTo(unpacked);
    assertThat(Files.getLastModifiedTime(unpacked.get(0))).isEqualTo(written);
  }

  @Test
  void theDemoRunsFromTheJar() throws Exception {
    Run demo = mailassure("demo");

    assertThat(demo.exitCode()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("All probes left over TLS and every DKIM signature verified.");
  }

  @Test
  void aCacheOthersCanWriteIsRefusedByRulesAndCheckAndNoRequestIsMade() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("cache/mailassure"));
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

    Run list = mailassure("rules", "list", "-c", config.toString());

    assertThat(list.exitCode()).isEqualTo(3);
    assertThat(list.err()).contains(cache + " is writable by others", "chmod go-w");

    Run check = mailassure("check", "--only", "rule", "-c", config.toString());

    assertThat(check.exitCode()).isEqualTo(1);
    assertThat(check.out()).containsPattern("(?m)^  rule +fail +could not check: the cache directory "
        + java.util.regex.Pattern.quote(cache.toString()) + " is writable by others");
    assertThat(graph.requests()).isEmpty();
    assertThat(cached()).isEmpty();
  }

  @Test
  void theSmtpCommandsNeverUnpackThem() throws Exception {
    Files.writeString(dir.resolve("smtp.yaml"), """
        probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """);
    Run validate = mailassure("validate", "-c", dir.resolve("smtp.yaml").toString());
    assertThat(validate.exitCode()).as(validate.err()).isZero();
    Run status = mailassure("status", "-c", dir.resolve("smtp.yaml").toString());
    assertThat(status.err()).doesNotContain("Exception");
    Run keygen = mailassure("dkim", "keygen", "--selector", "s1", "--domain", "example.gov.uk");
    assertThat(keygen.exitCode()).as(keygen.err()).isZero();

    assertThat(dir.resolve("cache")).doesNotExist();
  }
}
