package org.mailassure.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed layout's class loader on two jars built here: classes and resources come from the
 * jar that holds them, a jar is opened only when a lookup may need it, and {@code release()} closes
 * them all without breaking a later lookup or a stream handed out before.
 */
class ApplicationClassLoaderTest {
  @TempDir Path dir;
  private Path a;
  private Path b;
  private ApplicationClassLoader loader;

  @BeforeEach
  void jars() throws IOException {
    Path src = dir.resolve("src");
    Path classes = dir.resolve("classes");
    write(src.resolve("fixture/a/A.java"), "package fixture.a; public class A {}");
    write(src.resolve("fixture/a/A2.java"), "package fixture.a; public class A2 {}");
    write(src.resolve("fixture/b/B.java"), "package fixture.b; public class B {}");
    List<String> args;
    try (Stream<Path> s = Files.walk(src)) {
      args =
          Stream.concat(
                  Stream.of("-d", classes.toString()),
                  s.filter(p -> p.toString().endsWith(".java")).map(Path::toString))
              .toList();
    }
    assertThat(
            ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)))
        .isZero();
    a =
        jar(
            "a.jar",
            "fixture-a",
            Map.of(
                "fixture/a/A.class", Files.readAllBytes(classes.resolve("fixture/a/A.class")),
                "fixture/a/A2.class", Files.readAllBytes(classes.resolve("fixture/a/A2.class")),
                "fixture/a/data.txt", bytes("held by a"),
                "META-INF/services/fixture.Service", bytes("fixture.a.A\n")));
    b =
        jar(
            "b.jar",
            "fixture-b",
            Map.of(
                "fixture/b/B.class", Files.readAllBytes(classes.resolve("fixture/b/B.class")),
                "META-INF/services/fixture.Service", bytes("fixture.b.B\n")));
    loader = new ApplicationClassLoader(ClassLoader.getPlatformClassLoader(), dir, List.of(a, b));
  }

  @Test
  void aClassComesFromItsJarWithThatJarsPackageAttributes() throws Exception {
    Class<?> c = loader.loadClass("fixture.b.B");

    assertThat(c.getClassLoader()).isSameAs(loader);
    assertThat(c.getProtectionDomain().getCodeSource().getLocation()).isEqualTo(b.toUri().toURL());
    assertThat(c.getPackage().getImplementationTitle()).isEqualTo("fixture-b");
  }

  @Test
  void oncePackagesAreKnownALookupOpensOnlyTheJarThatHoldsThePackage() throws Exception {
    loader.loadClass("fixture.a.A");
    assertThat(loader.openJars()).containsExactly(a);
    loader.release();

    // a comes first, but it is known not to hold fixture/b/.
    loader.loadClass("fixture.b.B");
    assertThat(loader.openJars()).containsExactly(b);
    loader.release();

    // A library probing for an optional class: both jars are known not to hold its package.

    assertThatThrownBy(() -> loader.loadClass("fixture.c.Optional"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThat(loader.openJars()).isEmpty();
  }

  @Test
  void releaseClosesEveryJarAndALaterLookupOpensItAgain() throws Exception {
    loader.loadClass("fixture.a.A");
    InputStream handedOut = loader.getResourceAsStream("fixture/a/data.txt");
    loader.release();
    assertThat(loader.openJars()).isEmpty();

    assertThat(loader.loadClass("fixture.a.A2").getClassLoader()).isSameAs(loader);
    assertThat(loader.openJars()).containsExactly(a);
    loader.release();
    assertThat(new String(handedOut.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("held by a");
    assertThat(loader.getResource("fixture/a/data.txt")).isNotNull();
  }

  @Test
  void aJarReplacedAfterItWasFirstOpenedIsNotReadAndTheMessageSaysToRestart() throws Exception {
    loader.loadClass("fixture.a.A");
    loader.release();
    // An upgrade writes the new jar beside the old one and renames it over it.
    Path upgraded = dir.resolve("a.jar.new");
    Files.copy(b, upgraded);
    Files.move(upgraded, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> loader.loadClass("fixture.a.A2"))
        .isInstanceOf(ClassNotFoundException.class)
        .hasMessageContaining(a + " was replaced since mailassure started")
        .hasMessageContaining("restart mailassure");
  }

  @Test
  void everyJarThatHoldsAResourceIsListedInClassPathOrder() throws Exception {
    List<URL> urls = Collections.list(loader.getResources("META-INF/services/fixture.Service"));

    assertThat(urls).hasSize(2);
    try (InputStream in = urls.get(0).openStream()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("fixture.a.A\n");
    }
    try (InputStream in = urls.get(1).openStream()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("fixture.b.B\n");
    }
  }

  @Test
  void theJdksClassesComeFromTheJdkWithoutOpeningAJar() throws Exception {
    assertThat(loader.loadClass("java.lang.String")).isSameAs(String.class);
    assertThat(loader.loadClass("java.sql.Connection")).isSameAs(java.sql.Connection.class);
    assertThat(loader.openJars()).isEmpty();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void write(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private Path jar(String name, String title, Map<String, byte[]> entries) throws IOException {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_TITLE, title);
    Path jar = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out, m)) {
      for (var e : entries.entrySet()) {
        j.putNextEntry(new JarEntry(e.getKey()));
        j.write(e.getValue());
        j.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void aDirectorysJarsAreListedInNameOrderAndNothingElse() throws IOException {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    for (String name : List.of("z.jar", "b.jar", "a.jar", "notes.txt", "c.jar.sig")) {
      Files.writeString(lib.resolve(name), "");
    }
    Files.createDirectories(lib.resolve("graph"));

    assertThat(ApplicationClassLoader.jarsIn(lib))
        .containsExactly(lib.resolve("a.jar"), lib.resolve("b.jar"), lib.resolve("z.jar"));
  }

  @Test
  void aDirectoryThatCannotBeListedIsAnErrorNamingIt() {
    Path missing = dir.resolve("no-such-lib");

    assertThatThrownBy(() -> ApplicationClassLoader.jarsIn(missing))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void mailassuresOwnJarIsSearchedFirstAndTheBootJarNotAtAll() {
    Path lib = dir.resolve("lib");
    List<Path> byName =
        List.of(
            lib.resolve("angus-mail-2.0.5.jar"),
            lib.resolve("mailassure-boot.jar"),
            lib.resolve("mailassure.jar"),
            lib.resolve("picocli-4.7.7.jar"));

    assertThat(ApplicationClassLoader.searchOrder(byName, "mailassure-boot.jar"))
        .containsExactly(
            lib.resolve("mailassure.jar"),
            lib.resolve("angus-mail-2.0.5.jar"),
            lib.resolve("picocli-4.7.7.jar"));
  }
}
