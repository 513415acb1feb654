package org.mailassure.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.testing.Installed;

/**
 * The container image that {@code mvn package} builds, without a container engine: its OCI index,
 * manifest and config are read and their digests checked, its one layer is unpacked, and, as root,
 * the image's own entrypoint runs in a chroot of that layer (with /proc mounted, as a container has
 * it) as the image's user: {@code --version} and {@code demo}.
 */
class ContainerImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path IMAGE =
      Installed.target().resolve(Installed.built().getFileName() + "-image.tar");

  @TempDir Path dir;

  private record Result(int code, String out) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  private static Result run(String... command) throws IOException, InterruptedException {
    return run(List.of(command));
  }

  private Path blob(Path oci, JsonNode descriptor) throws Exception {
    String digest = descriptor.get("digest").asText();
    Path blob = oci.resolve("blobs/sha256/" + digest.substring("sha256:".length()));
    assertThat(Files.size(blob)).isEqualTo(descriptor.get("size").asLong());
    Result sum = run("sha256sum", blob.toString());
    assertThat(sum.out()).startsWith(digest.substring("sha256:".length()) + " ");
    return blob;
  }

  @Test
  void theImageIsAValidOciLayoutWhoseEntrypointRunsMailassureAsItsOwnUser() throws Exception {
    assumeTrue(Files.exists(IMAGE), "no image was built (the JDK has no jmods)");
    Path oci = Files.createDirectories(dir.resolve("oci"));
    assertThat(run("tar", "-xf", IMAGE.toString(), "-C", oci.toString()).code()).isZero();

    assertThat(JSON.readTree(oci.resolve("oci-layout").toFile()).get("imageLayoutVersion").asText())
        .isEqualTo("1.0.0");
    JsonNode index = JSON.readTree(oci.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(blob(oci, index.get("manifests").get(0)).toFile());
    assertThat(manifest.get("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    JsonNode config = JSON.readTree(blob(oci, manifest.get("config")).toFile());
    Path layer = blob(oci, manifest.get("layers").get(0));
    JsonNode docker = JSON.readTree(oci.resolve("manifest.json").toFile()).get(0);
    assertThat(docker.get("RepoTags").get(0).asText()).startsWith("mailassure:");

    JsonNode c = config.get("config");
    assertThat(c.get("User").asText()).isEqualTo("10001:10001");
    assertThat(c.get("Cmd").get(0).asText()).isEqualTo("run");
    List<String> entrypoint = new ArrayList<>();
    c.get("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
    assertThat(entrypoint)
        .startsWith("/opt/java/bin/java")
        .contains("-Xmx64m", "org.mailassure.boot.Boot");

    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    assertThat(run("tar", "-xzf", layer.toString(), "-C", rootfs.toString()).code()).isZero();
    assertThat(rootfs.resolve("usr/share/mailassure/lib/graph")).isDirectory();
    assertThat(
            run("stat", "-c", "%u:%g %a", rootfs.resolve("var/lib/mailassure").toString())
                .out()
                .strip())
        .isEqualTo("10001:10001 700");

    assumeTrue(
        "root".equals(System.getProperty("user.name")), "running the image needs root (chroot)");
    Path proc = Files.createDirectories(rootfs.resolve("proc"));
    assumeTrue(
        run("mount", "-t", "proc", "proc", proc.toString()).code() == 0, "cannot mount /proc here");
    try {
      List<String> chroot =
          new ArrayList<>(List.of("chroot", "--userspec=10001:10001", rootfs.toString()));
      chroot.addAll(entrypoint);
      List<String> version = new ArrayList<>(chroot);
      version.add("--version");
      Result v = run(version);
      assertThat(v.code()).as(v.out()).isZero();
      assertThat(v.out().strip())
          .isEqualTo(
              "mailassure "
                  + Installed.built().getFileName().toString().substring("mailassure-".length()));
      List<String> demo = new ArrayList<>(List.of("env", "HOME=/tmp"));
      demo.addAll(chroot);
      demo.add("demo");
      Result d = run(demo);
      assertThat(d.code()).as(d.out()).isZero();
      assertThat(d.out()).contains("All probes left over TLS and every DKIM signature verified.");
    } finally {
      run("umount", proc.toString());
    }
  }
}
