package org.mailassure.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking the packed libraries into a private cache, once, and refusing caches others control. */
class LibrariesTest {
  @TempDir Path dir;
  private final List<Path> appended = new ArrayList<>();

  private Path application(byte[] packed) throws IOException {
    Path jar = dir.resolve("mailassure.jar");
    try (OutputStream f = Files.newOutputStream(jar); ZipOutputStream z = new ZipOutputStream(f)) {
      z.putNextEntry(new ZipEntry("org/mailassure/Main.class"));
      z.write(new byte[] {(byte) 0xca, (byte) 0xfe});
      if (packed != null) {
        z.putNextEntry(new ZipEntry(Libraries.PACKED));
        z.write(packed);
      }
    }
    return jar;
  }

  private Libraries libraries(Path application, Map<String, String> env) {
    return new Libraries(application, env, appended::add, () -> false);
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  @Test
  void theFirstNeedUnpacksTheLibrariesIntoAPrivateCacheAndAppendsThem() throws Exception {
    byte[] packed = bytes(300_000, 1);
    Path jar = libraries(application(packed), Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString()))
        .ensure("Microsoft Graph");

    assertThat(appended).containsExactly(jar);
    assertThat(jar.getParent()).isEqualTo(dir.resolve("cache/mailassure"));
    assertThat(Files.readAllBytes(jar)).isEqualTo(packed);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar.getParent()))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar))).isEqualTo("rw-------");
    try (var files = Files.list(jar.getParent())) {
      assertThat(files).containsExactly(jar);
    }
  }

  @Test
  void aLaterProcessReusesTheUnpackedJarWithoutWritingIt() throws Exception {
    Path app = application(bytes(100_000, 2));
    Map<String, String> env = Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString());
    Path first = libraries(app, env).ensure("Microsoft Graph");
    Files.setLastModifiedTime(first, FileTime.fromMillis(1_000_000));

    Path second = libraries(app, env).ensure("Microsoft Graph");

    assertThat(second).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(second).toMillis()).isEqualTo(1_000_000);
    assertThat(appended).containsExactly(first, first);
  }

  @Test
  void oneProcessUnpacksAndAppendsOnlyOnce() throws Exception {
    Libraries l = libraries(application(bytes(1000, 3)), Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString()));
    l.ensure("Microsoft Graph");
    assertThat(l.ensure("the demo")).isNull();
    assertThat(appended).hasSize(1);
  }

  @Test
  void aCutShortUnpackedJarIsWrittenAgain() throws Exception {
    byte[] packed = bytes(50_000, 4);
    Path app = application(packed);
    Map<String, String> env = Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString());
    Path jar = libraries(app, env).ensure("Microsoft Graph");
    Files.write(jar, new byte[100]);

    libraries(app, env).ensure("Microsoft Graph");

    assertThat(Files.readAllBytes(jar)).isEqualTo(packed);
  }

  @Test
  void aDamagedPackedEntryIsRefusedAndLeavesNothingInTheCache() throws Exception {
    byte[] packed = bytes(4096, 12);
    Path jar = dir.resolve("mailassure.jar");
    try (OutputStream f = Files.newOutputStream(jar); ZipOutputStream z = new ZipOutputStream(f)) {
      ZipEntry e = new ZipEntry(Libraries.PACKED);
      e.setMethod(ZipEntry.STORED);
      e.setSize(packed.length);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(packed);
      e.setCrc(crc.getValue());
      z.putNextEntry(e);
      z.write(packed);
    }
    byte[] file = Files.readAllBytes(jar);
    int at = indexOf(file, java.util.Arrays.copyOfRange(packed, 1000, 1016));
    file[at] ^= 1; // one bit of the stored entry changes; the directory's CRC-32 does not
    Files.write(jar, file);
    Path cache = dir.resolve("cache");

    assertThatThrownBy(() -> libraries(jar, Map.of("XDG_CACHE_HOME", cache.toString())).ensure("Microsoft Graph"))
        .isInstanceOf(Libraries.Unavailable.class).hasMessageContaining("are damaged")
        .hasMessageContaining("install mailassure.jar again");
    assertThat(appended).isEmpty();
    try (var files = Files.list(cache.resolve("mailassure"))) {
      assertThat(files).isEmpty();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  @Test
  void anotherVersionsUnpackedJarIsRemoved() throws Exception {
    Map<String, String> env = Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString());
    Path old = libraries(application(bytes(2000, 5)), env).ensure("Microsoft Graph");
    Path fresh = libraries(application(bytes(3000, 6)), env).ensure("Microsoft Graph");

    assertThat(fresh).isNotEqualTo(old).exists();
    assertThat(old).doesNotExist();
  }

  @Test
  void systemdsCacheDirectoryComesFirstThenXdgThenHome() throws Exception {
    Path app = application(bytes(10, 7));
    Path systemd = dir.resolve("var-cache-mailassure");
    assertThat(libraries(app, Map.of("CACHE_DIRECTORY", systemd.toString(), "XDG_CACHE_HOME", "/nonexistent",
        "HOME", "/nonexistent")).cacheDirectory()).isEqualTo(systemd);
    assertThat(libraries(app, Map.of("XDG_CACHE_HOME", dir.resolve("x").toString(), "HOME", "/nonexistent"))
        .cacheDirectory()).isEqualTo(dir.resolve("x/mailassure"));
    assertThat(libraries(app, Map.of("HOME", dir.resolve("home").toString())).cacheDirectory())
        .isEqualTo(dir.resolve("home/.cache/mailassure"));
  }

  @Test
  void aCacheDirectoryOthersCanWriteIsRefusedAndNothingIsLoaded() throws Exception {
    Path cache = Files.createDirectories(dir.resolve("cache/mailassure"));
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> libraries(application(bytes(10, 8)), Map.of("XDG_CACHE_HOME",
        dir.resolve("cache").toString())).ensure("Microsoft Graph"))
        .isInstanceOf(Libraries.Unavailable.class)
        .hasMessageContaining(cache + " is writable by others").hasMessageContaining("chmod go-w " + cache);
    assertThat(appended).isEmpty();
    try (var files = Files.list(cache)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void withoutAnyCacheDirectoryTheMessageSaysWhatToSet() throws Exception {
    assertThatThrownBy(() -> libraries(application(bytes(10, 9)), Map.of()).ensure("Microsoft Graph"))
        .isInstanceOf(Libraries.Unavailable.class).hasMessageContaining("set XDG_CACHE_HOME");
  }

  @Test
  void aJarWithNothingPackedNeedsNothing() throws Exception {
    assertThat(libraries(application(null), Map.of()).ensure("Microsoft Graph")).isNull();
    assertThat(new Libraries(null, Map.of(), null, () -> false).ensure("Microsoft Graph")).isNull();
    assertThat(appended).isEmpty();
  }

  @Test
  void librariesAlreadyOnTheClassPathAreNeitherUnpackedNorAppended() throws Exception {
    Path app = application(bytes(10, 11));
    assertThat(new Libraries(app, Map.of("XDG_CACHE_HOME", dir.resolve("cache").toString()), appended::add,
        () -> true).ensure("Microsoft Graph")).isNull();
    assertThat(appended).isEmpty();
    assertThat(dir.resolve("cache")).doesNotExist();
  }

  @Test
  void theProbeClassIsOneThePackedLibrariesHold() {
    assertThat(ClassLoader.getSystemClassLoader().getResource(Libraries.PROBE_CLASS)).isNotNull();
  }

  @Test
  void startedWithoutJavaJarTheMessageSaysHowToStart() throws Exception {
    Path app = application(bytes(10, 10));
    assertThatThrownBy(() -> new Libraries(app, Map.of("HOME", dir.toString()), null, () -> false).ensure("the graph transport"))
        .isInstanceOf(Libraries.Unavailable.class)
        .hasMessageContaining("the graph transport needs the libraries packed in " + app)
        .hasMessageContaining("'java -jar " + app + "'");
  }
}
