package org.mailassure.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.testing.Installed;
import org.mailassure.testing.LoopbackGraph;

/**
 * Every command from the installed layout ({@code bin/mailassure}), as real processes: the Graph
 * and demo libraries are added only by the commands that need them, code never comes from a cache,
 * state or working directory, and a library directory others can write is refused.
 */
class InstalledLayoutIT {
  @TempDir Path dir;
  private LoopbackGraph graph;
  private Path config;

  @BeforeEach
  void start() throws IOException {
    graph = new LoopbackGraph();
    config = dir.resolve("mailassure.yaml");
    Files.writeString(
        config,
        """
        state-dir: state
        graph:
          tenant-id: contoso.onmicrosoft.com
          base-url: %s
          auth: { type: token, token-env: MAILASSURE_GRAPH_TOKEN }
        rule: { action: forward }
        probe:
          transport: graph
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """
            .formatted(graph.baseUrl()));
  }

  @AfterEach
  void stop() {
    graph.close();
  }

  private record Run(int exitCode, String out, String err) {}

  /** Runs a command in the test's directory, with more environment, and waits for it. */
  private Run run(List<String> command, java.util.Map<String, String> environment)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("out").toFile())
            .redirectError(dir.resolve("err").toFile());
    pb.environment().putAll(environment);
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(),
        Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
  }

  private Run mailassure(Path launcher, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    return run(
        command,
        java.util.Map.of(
            "XDG_CACHE_HOME",
            dir.resolve("cache").toString(),
            "CACHE_DIRECTORY",
            dir.resolve("cache").toString(),
            "MAILASSURE_GRAPH_TOKEN",
            "token-for-tests",
            // Every class the JVM loads, and where from, in a file beside the command's output.
            "MAILASSURE_JAVA_OPTS",
            "-Xlog:class+load=info:file=" + dir.resolve("classes.log")));
  }

  private Run mailassure(String... args) throws Exception {
    return mailassure(Installed.launcher(), args);
  }

  /** The jars the last command loaded classes from. */
  private List<String> loadedFrom() throws IOException {
    try (Stream<String> lines = Files.lines(dir.resolve("classes.log"))) {
      return lines
          .filter(l -> l.contains(" source: file:"))
          .map(l -> l.substring(l.indexOf(" source: file:") + " source: file:".length()))
          .distinct()
          .toList();
    }
  }

  /** A jar holding a class that mailassure would run if it took code from where it lies. */
  private static void plant(Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out)) {
      for (String name :
          List.of(
              "org/mailassure/graph/GraphClients.class",
              "com/microsoft/graph/serviceclient/GraphServiceClient.class",
              "org/mailassure/Main.class")) {
        j.putNextEntry(new JarEntry(name));
        j.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61});
        j.closeEntry();
      }
    }
  }

  @Test
  void theGraphCommandsRunFromTheLayoutAndLoadTheGraphLibrariesOnlyFromIt() throws Exception {
    Path lib = Installed.home().resolve("lib");
    List<Path> planted =
        List.of(
            dir.resolve("cache/mailassure/libraries.jar"),
            dir.resolve("state/graph.jar"),
            dir.resolve("graph.jar"),
            dir.resolve("lib/graph/microsoft-graph-6.55.0.jar"));
    for (Path p : planted) {
      plant(p);
    }

    Run provision = mailassure("provision", "-c", config.toString());
    assertThat(provision.exitCode()).as(provision.err()).isZero();
    assertThat(graph.rules("secureemailreply@example.gov.uk")).hasSize(1);
    // Forward mode's inbox-rule models are not among the SDK classes repacked into lib/graph/:
    // they come from the SDK's whole jar in lib/graph/complete/, the loader's last resort.
    assertThat(loadedFrom())
        .allMatch(p -> p.startsWith(lib.toString()), "every class from " + lib)
        .anyMatch(p -> p.startsWith(lib.resolve("graph").toString()))
        .anyMatch(p -> p.startsWith(lib.resolve("graph/complete").toString()));

    Run send = mailassure("send", "-c", config.toString());
    assertThat(send.exitCode()).as(send.err()).isZero();
    assertThat(graph.requests())
        .anyMatch(r -> r.method().equals("POST") && r.path().endsWith("/sendMail"));
    // The graph transport never opens the SDK's whole jar (whose directory would stay on the heap).
    assertThat(loadedFrom())
        .allMatch(p -> p.startsWith(lib.toString()))
        .noneMatch(p -> p.startsWith(lib.resolve("graph/complete").toString()));

    Run check = mailassure("check", "--only", "rule", "-c", config.toString());
    assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
    assertThat(check.out()).containsPattern("(?m)^  rule +pass +enabled and matching");

    Run list = mailassure("rules", "list", "-c", config.toString());
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(loadedFrom()).allMatch(p -> p.startsWith(lib.toString()));
  }

  private void assessmentMessage(String id) {
    String mailbox = "secureemailreply@example.gov.uk";
    graph.deliver(
        mailbox,
        id,
        java.time.Instant.now().minusSeconds(30),
        "emailsecurity@domaininformation.service.gov.uk",
        List.of(mailbox),
        List.of(),
        null,
        "Email security assessment");
  }

  @Test
  void theReplyAgentRunsFromTheLayoutAsACommandAndInTheDaemon() throws Exception {
    Files.writeString(
        config,
        Files.readString(config)
            .replace("rule: { action: forward }", "rule: { action: reply, poll: 1m }")
            .replace(
                "  transport: graph",
                "  transport: graph\n  schedule: \"* * * * *\"\n  time-zone: UTC\n  catch-up: 2m"));
    assessmentMessage("<layout-1@assessment>");

    Run reply = mailassure("reply", "-c", config.toString());

    assertThat(reply.exitCode()).as(reply.err() + reply.out()).isZero();
    assertThat(graph.replies()).hasSize(1);
    // Nor does the reply agent: listing and replying need only the repacked SDK classes.
    assertThat(loadedFrom())
        .allMatch(p -> p.startsWith(Installed.home().resolve("lib").toString()))
        .noneMatch(p -> p.startsWith(Installed.home().resolve("lib/graph/complete").toString()));

    // The daemon, from the layout: its first look answers the new message, and the due slot's
    // probe goes through the graph transport, both through its one Graph client.
    assessmentMessage("<layout-2@assessment>");
    // Under the unit's UMask=0077, which would make every new file its owner's alone.
    Path metrics = dir.resolve("state/mailassure.prom");
    ProcessBuilder pb =
        new ProcessBuilder(
                "sh",
                "-c",
                "umask 077; exec \"$0\" \"$@\"",
                Installed.launcher().toString(),
                "run",
                "-c",
                config.toString())
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("run.out").toFile())
            .redirectError(dir.resolve("run.err").toFile());
    pb.environment().put("MAILASSURE_GRAPH_TOKEN", "token-for-tests");
    Process daemon = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while ((graph.replies().size() < 2
              || graph.requests().stream().noneMatch(r -> r.path().endsWith("/sendMail"))
              || !Files.exists(metrics))
          && daemon.isAlive()
          && System.nanoTime() < deadline) {
        daemon.waitFor(100, TimeUnit.MILLISECONDS);
      }
      assertThat(daemon.isAlive()).as(Files.readString(dir.resolve("run.err"))).isTrue();
      assertThat(graph.replies()).as(Files.readString(dir.resolve("run.err"))).hasSize(2);
      assertThat(graph.requests()).anyMatch(r -> r.path().endsWith("/sendMail"));
      // node_exporter reads the metrics as another user (README, "Running as a service"), so
      // they are readable by all whatever the umask.
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(metrics)))
          .isEqualTo("rw-r--r--");
    } finally {
      daemon.destroy();
      assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(daemon.exitValue()).as(Files.readString(dir.resolve("run.err"))).isZero();
  }

  @Test
  void theSmtpCommandsNeverOpenTheGraphOrDemoLibraries() throws Exception {
    Files.writeString(
        dir.resolve("smtp.yaml"),
        """
        probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
        """);
    Path lib = Installed.home().resolve("lib");
    for (String[] args :
        List.of(
            new String[] {"--version"},
            new String[] {"validate", "-c", dir.resolve("smtp.yaml").toString()},
            new String[] {"status", "-c", dir.resolve("smtp.yaml").toString()},
            new String[] {
              "dkim",
              "keygen",
              "--selector",
              "s1",
              "--domain",
              "example.gov.uk",
              "--out",
              dir.toString()
            })) {
      Run run = mailassure(args);
      // status: 1, since no probe was ever sent (SPEC: done, but a domain failed)
      int expected = args[0].equals("status") ? 1 : 0;
      assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err()).isEqualTo(expected);
      assertThat(run.err()).doesNotContain("Exception");
      if (args[0].equals("--version")) {
        // The layout's directory is mailassure-VERSION; the jar's manifest carries the same.
        String home = Installed.home().getFileName().toString();
        assertThat(run.out())
            .isEqualTo("mailassure " + home.substring("mailassure-".length()) + "\n");
      }
      assertThat(loadedFrom())
          .as(String.join(" ", args))
          .allMatch(p -> p.startsWith(lib.toString()))
          .noneMatch(
              p ->
                  p.startsWith(lib.resolve("graph").toString())
                      || p.startsWith(lib.resolve("demo").toString()));
    }
    assertThat(dir.resolve("cache")).doesNotExist();
  }

  /**
   * validate is the command scripts and package checks start most often, so its start-up is kept
   * short (README, Benchmarks): mailassure's code on its path spins no lambda, each of which cost
   * about a millisecond there (a class the JVM makes at run time), and on the default transport it
   * compiles no regular expression (the first of a run cost about ten).
   */
  @Test
  void validateSpinsNoLambdaOfMailassuresOwnAndCompilesNoRegularExpression() throws Exception {
    Run keygen =
        mailassure(
            "dkim",
            "keygen",
            "--domain",
            "example.gov.uk",
            "--selector",
            "s1",
            "--out",
            dir.toString());
    assertThat(keygen.exitCode()).as(keygen.err()).isZero();
    Files.writeString(
        dir.resolve("smtp.yaml"),
        """
        probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
        domains:
          - name: example.gov.uk
            mailbox: secureemailreply@example.gov.uk
            dkim: [{ selector: s1, private-key-file: example.gov.uk-s1.pem }]
        """);
    for (Path file : List.of(config, dir.resolve("smtp.yaml"))) {
      Run validate = mailassure("validate", "-c", file.toString());
      assertThat(validate.exitCode()).as(validate.err()).isZero();
      List<String> spun;
      try (Stream<String> lines = Files.lines(dir.resolve("classes.log"))) {
        spun =
            lines.filter(l -> l.contains(" org.mailassure.") && l.contains("$$Lambda$")).toList();
      }
      assertThat(spun).as(file.getFileName().toString()).isEmpty();
      if (file.equals(config)) {
        // The JDK's own cryptography, which the local key brings in, is not mailassure's to hold.
        try (Stream<String> lines = Files.lines(dir.resolve("classes.log"))) {
          assertThat(lines.filter(l -> l.contains(" java.util.regex.")).toList())
              .as("regular-expression classes loaded")
              .isEmpty();
        }
      }
    }
  }

  @Test
  void messagesSendTheAdminToTheLayoutsOwnExampleConfig() throws Exception {
    Run absent = mailassure("validate", "-c", dir.resolve("absent.yaml").toString());
    assertThat(absent.exitCode()).isEqualTo(2);
    assertThat(absent.err())
        .contains(
            "create it from "
                + Installed.home().toRealPath().resolve("etc/mailassure.example.yaml")
                + " or name another");
    assertThat(Installed.home().resolve("etc/mailassure.example.yaml")).isRegularFile();
  }

  @Test
  void theLayoutCarriesOneHttpClientAndNoNativeLibrariesForOtherSystems() throws IOException {
    List<String> names;
    try (Stream<Path> jars = Files.walk(Installed.home().resolve("lib"))) {
      names =
          jars.filter(p -> p.toString().endsWith(".jar"))
              .map(p -> p.getFileName().toString())
              .toList();
    }
    assertThat(names)
        .noneMatch(n -> n.startsWith("netty-") || n.startsWith("reactor-netty"))
        .anyMatch(n -> n.startsWith("okhttp-"))
        .anyMatch(n -> n.startsWith("azure-core-http-okhttp-"));
    try (Stream<Path> jars = Files.walk(Installed.home().resolve("lib"))) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
          assertThat(zip.stream().map(java.util.zip.ZipEntry::getName))
              .as(jar.toString())
              .noneMatch(n -> n.endsWith(".dll") || n.endsWith(".jnilib") || n.endsWith(".dylib"))
              .noneMatch(n -> n.endsWith(".so") && !n.contains("/linux-"));
        }
      }
    }
  }

  @Test
  void theDemoRunsFromTheLayout() throws Exception {
    Run demo = mailassure("demo");

    assertThat(demo.exitCode()).as(demo.err()).isZero();
    assertThat(demo.out())
        .contains("All probes left over TLS and every DKIM signature verified.")
        .contains("The reply went to the assessment address only, whatever the Reply-To said.");
    // The demo's reply agent talks Graph: it adds lib/graph, as rules and the graph transport do.
    assertThat(loadedFrom())
        .anyMatch(p -> p.contains("/lib/demo/subethasmtp"))
        .anyMatch(p -> p.contains("/lib/graph/"));
  }

  @Test
  void aGraphLibraryDirectoryOthersCanWriteIsRefusedAndNoRequestIsMade() throws Exception {
    Path copy = dir.resolve("install");
    copyTree(Installed.home(), copy);
    Path graphLib = copy.resolve("lib/graph");
    Files.setPosixFilePermissions(graphLib, PosixFilePermissions.fromString("rwxrwxr-x"));

    Run list = mailassure(copy.resolve("bin/mailassure"), "rules", "list", "-c", config.toString());

    assertThat(list.exitCode()).isEqualTo(3);
    assertThat(list.err())
        .contains(
            "code is not loaded from " + graphLib,
            "writable by its group or others",
            "chmod go-w " + graphLib);
    assertThat(list.err()).doesNotContain("Exception");
    assertThat(graph.requests()).isEmpty();
    assertThat(loadedFrom()).noneMatch(p -> p.startsWith(graphLib.toString()));
  }

  @Test
  void aKeyThatCannotBeWrittenWholeLeavesNoFileAndASecondTryIsNotRefused() throws Exception {
    // The shell's file-size limit (1 KiB, below an RSA-2048 PEM key's 1.7) fails the write as a
    // full disk would; the JVM ignores SIGXFSZ, so the write itself reports it.
    Path keys = Files.createDirectory(dir.resolve("keys"));
    List<String> keygen =
        List.of(
            "dkim",
            "keygen",
            "--domain",
            "example.gov.uk",
            "--selector",
            "s1",
            "--out",
            keys.toString());
    List<String> limited =
        new java.util.ArrayList<>(List.of("sh", "-c", "ulimit -f 1 && exec \"$@\"", "sh"));
    limited.add(Installed.launcher().toString());
    limited.addAll(keygen);
    Run limitedRun = run(limited, java.util.Map.of());
    String err = limitedRun.err();

    assertThat(limitedRun.exitCode()).as(err).isEqualTo(2);
    assertThat(err)
        .contains("cannot write " + keys.resolve("example.gov.uk-s1.pem"), "nothing was written")
        .doesNotContain("Exception");
    try (Stream<Path> left = Files.list(keys)) {
      assertThat(left).isEmpty();
    }

    Run again = mailassure(keygen.toArray(String[]::new));

    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(Files.readString(keys.resolve("example.gov.uk-s1.pem")))
        .startsWith("-----BEGIN PRIVATE KEY-----")
        .endsWith("-----END PRIVATE KEY-----\n");
  }

  @Test
  void theJvmsOwnWarningsGoToStderrAndJsonOnStdoutStaysOneDocument() throws Exception {
    // A JVM warning from its unified logging, which goes to stdout by default: asking for large
    // pages on a machine that has none configured (as CI machines are; elsewhere the test has
    // nothing to show and is skipped).
    Process plain =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseLargePages",
                "-version")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String plainOut = new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    plain.waitFor(60, TimeUnit.SECONDS);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        plainOut.contains("[warning]"), "this machine's JVM prints no warning for large pages");

    Run r =
        run(
            List.of(Installed.launcher().toString(), "validate", "--json", "-c", config.toString()),
            java.util.Map.of(
                "MAILASSURE_GRAPH_TOKEN", "token-for-tests",
                "MAILASSURE_JAVA_OPTS", "-XX:+UseLargePages"));

    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).contains("[warning]", "UseLargePages");
    assertThat(r.out()).doesNotContain("[warning]").startsWith("{");
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.out())
                .get("valid")
                .asBoolean())
        .isTrue();
  }

  /** A Java home whose bin/java only reports how it was started, with the given release file. */
  private Path fakeJava(String releaseVersion) throws IOException {
    Path home = Files.createDirectories(dir.resolve("jdk-" + releaseVersion));
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "echo \"started: $*\"\n"
            + "echo \"told: ${MAILASSURE_SIGHUP_WAS_IGNORED:-nothing}\"\n"
            + "grep '^SigIgn:' /proc/$$/status\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    // No final newline, as some release files end.
    Files.writeString(
        home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + releaseVersion + "\"");
    return home;
  }

  private Run launcher(Path javaHome, String shellPrefix, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "sh", "-c", shellPrefix + "exec \"$0\" \"$@\"", Installed.launcher().toString()));
    command.addAll(List.of(args));
    return run(command, java.util.Map.of("JAVA_HOME", javaHome.toString()));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"11.0.2", "1.8.0_392", "16"})
  void aJavaOlderThan17IsNamedAndNeverStarted(String version) throws Exception {
    Run r = launcher(fakeJava(version), "", "--version");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("needs Java 17 or later", "is Java " + version, "set JAVA_HOME");
    assertThat(r.out()).doesNotContain("started");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"17.0.15", "21.0.4", "25"})
  void aJava17OrLaterIsStartedWithTheCommandsOptions(String version) throws Exception {
    Run r = launcher(fakeJava(version), "", "validate", "-c", "x.yaml");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("-XX:+UseSerialGC", "-Xlog:disable -Xlog:all=warning:stderr")
        .contains("-cp " + Installed.home().toRealPath().resolve("lib/mailassure-boot.jar"))
        .contains("org.mailassure.boot.Boot validate -c x.yaml");
  }

  @Test
  void startedWithHangUpIgnoredTheJvmGetsItBackAndIsToldSo() throws Exception {
    // What nohup does: SIGHUP ignored, which a JVM would inherit and never see again.
    Run r = launcher(fakeJava("17.0.15"), "trap '' HUP; ", "run");

    assertThat(r.out()).contains("told: restored");
    // SigIgn is a hexadecimal mask; SIGHUP (1) is its lowest bit.
    String mask = r.out().lines().filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow();
    assertThat(Long.parseLong(mask.substring("SigIgn:".length()).strip(), 16) & 1).isZero();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
