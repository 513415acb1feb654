package org.mailassure.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libraries that only some commands need: the Microsoft Graph SDK, Azure Identity (Graph and
 * XOAUTH2 tokens), Bouncy Castle and SubEthaSMTP (the demo). They are packed inside mailassure.jar
 * as one jar entry, {@value #PACKED}, so the JVM does not open their 65,000-entry directory, which
 * it would keep on the heap for the life of the process, in the daemon or in any command that
 * does not use them.
 *
 * <p>The first command that needs them unpacks them, once per version, into a private cache
 * directory: {@code $CACHE_DIRECTORY} (systemd's {@code CacheDirectory=}), else
 * {@code $XDG_CACHE_HOME/mailassure}, else {@code ~/.cache/mailassure}; then appends that jar to
 * the application class path through {@link LauncherAgent}'s instrumentation. The directory must
 * belong to this user and be writable by nobody else, since code is loaded from it. The file is
 * written to a temporary name, checked against the packed entry's CRC-32 and moved into place, so
 * concurrent first runs and a crash mid-way never leave a partial jar under the real name.
 *
 * <p>When the class path already holds the libraries (the tests, an IDE, a benchmark that names
 * the libraries jar), this does nothing.
 */
public final class Libraries {
  /** The entry of mailassure.jar that holds the optional libraries. */
  public static final String PACKED = "META-INF/mailassure/libraries.jar";

  private static final Logger LOG = LoggerFactory.getLogger(Libraries.class);
  private static final Set<PosixFilePermission> OTHERS_WRITE =
      Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static Libraries process;

  /** Appends a jar to the application class path. */
  interface ClassPath {
    void append(Path jar) throws IOException;
  }

  /** The packed libraries cannot be made available; the message says why and what to change. */
  public static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  /** A class of the packed libraries, looked up as a resource to tell whether they are loadable. */
  static final String PROBE_CLASS = "com/microsoft/graph/serviceclient/GraphServiceClient.class";

  private final Path application;
  private final Map<String, String> env;
  private final ClassPath classPath;
  private final BooleanSupplier alreadyLoadable;
  private boolean ready;

  /**
   * @param application the jar mailassure runs from, or null when it runs from directories
   * @param classPath how to append to the class path, or null when that is not possible
   * @param alreadyLoadable whether the libraries are on the class path already (the tests, an IDE,
   *     a benchmark naming the libraries jar), so there is nothing to unpack
   */
  Libraries(Path application, Map<String, String> env, ClassPath classPath, BooleanSupplier alreadyLoadable) {
    this.application = application;
    this.env = env;
    this.classPath = classPath;
    this.alreadyLoadable = alreadyLoadable;
  }

  /**
   * Makes the packed libraries loadable by this process, unpacking them first if needed. Call it
   * before the first use of any class from them.
   *
   * @param feature what needs them, for the message, e.g. "Microsoft Graph"
   * @param environment the process environment, for the cache directory (the first call's is kept)
   */
  public static void require(String feature, Map<String, String> environment) throws Unavailable {
    Libraries l;
    synchronized (Libraries.class) {
      if (process == null) {
        Instrumentation inst = LauncherAgent.instrumentation();
        process = new Libraries(runningJar(), environment,
            inst == null ? null : jar -> {
              try (JarFile f = new JarFile(jar.toFile())) {
                inst.appendToSystemClassLoaderSearch(f);
              }
            },
            () -> ClassLoader.getSystemClassLoader().getResource(PROBE_CLASS) != null);
      }
      l = process;
    }
    l.ensure(feature);
  }

  /** Ensures the libraries are on the class path; returns the unpacked jar, or null if none was needed. */
  synchronized Path ensure(String feature) throws Unavailable {
    if (ready) {
      return null;
    }
    if (alreadyLoadable.getAsBoolean() || application == null) {
      ready = true;
      return null;
    }
    try (ZipFile app = new ZipFile(application.toFile())) {
      ZipEntry packed = app.getEntry(PACKED);
      if (packed == null) {
        ready = true;
        return null;
      }
      if (classPath == null) {
        throw new Unavailable(feature + " needs the libraries packed in " + application
            + ", which are added only when mailassure is started with 'java -jar " + application + "'");
      }
      Path dir = cacheDirectory();
      try {
        Path jar = unpack(app, packed, dir);
        classPath.append(jar);
        ready = true;
        return jar;
      } catch (IOException e) {
        throw new Unavailable(feature + " needs the libraries packed in " + application + ", which could not be "
            + "unpacked into " + dir + " (" + e.getMessage() + "); make that directory writable by this user, or "
            + "set XDG_CACHE_HOME (CacheDirectory= under systemd) to one that is");
      }
    } catch (IOException e) {
      ready = true; // not a jar with anything packed: the class path is all there is
      return null;
    }
  }

  /** The cache directory, created private if missing, refused if others could write into it. */
  Path cacheDirectory() throws Unavailable {
    Path dir;
    String systemd = env.get("CACHE_DIRECTORY");
    String xdg = env.get("XDG_CACHE_HOME");
    String home = env.get("HOME");
    if (systemd != null && !systemd.isBlank()) {
      dir = Path.of(systemd.split(":")[0]);
    } else if (xdg != null && xdg.startsWith("/")) {
      dir = Path.of(xdg, "mailassure");
    } else if (home != null && home.startsWith("/")) {
      dir = Path.of(home, ".cache", "mailassure");
    } else {
      throw new Unavailable("no cache directory for the libraries packed in mailassure.jar: set XDG_CACHE_HOME "
          + "(or HOME, or CacheDirectory= under systemd)");
    }
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir.getParent());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      if (!owner.equals(self)) {
        throw new Unavailable("the cache directory " + dir + " belongs to uid " + owner + ", not to this user (uid "
            + self + "); code is loaded from it, so it must be this user's own: set XDG_CACHE_HOME to another");
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      if (perms.stream().anyMatch(OTHERS_WRITE::contains)) {
        throw new Unavailable("the cache directory " + dir + " is writable by others; code is loaded from it, so "
            + "run 'chmod go-w " + dir + "' or set XDG_CACHE_HOME to another");
      }
    } catch (IOException e) {
      throw new Unavailable("the cache directory " + dir + " cannot be used (" + e + "); make it writable by "
          + "this user or set XDG_CACHE_HOME to another");
    }
    return dir;
  }

  /** The packed entry unpacked into the directory: reused when it is there whole, else written afresh. */
  private Path unpack(ZipFile app, ZipEntry entry, Path dir) throws IOException, Unavailable {
    String name = "libraries-" + String.format("%08x", entry.getCrc()) + "-" + entry.getSize() + ".jar";
    Path target = dir.resolve(name);
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == entry.getSize()) {
      return target;
    }
    long started = System.nanoTime();
    Path part = Files.createTempFile(dir, ".libraries-", ".part");
    try {
      CRC32 crc = new CRC32();
      try (InputStream in = app.getInputStream(entry);
          FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(ch)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
          crc.update(buf, 0, n);
          out.write(buf, 0, n);
        }
        out.flush();
        ch.force(true);
      }
      if (crc.getValue() != entry.getCrc() || Files.size(part) != entry.getSize()) {
        throw new Unavailable("the libraries packed in " + application + " are damaged (their CRC-32 or size "
            + "differs from the jar's directory); install mailassure.jar again");
      }
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(part);
    }
    LOG.debug("unpacked the optional libraries to {} in {} ms", target, (System.nanoTime() - started) / 1_000_000);
    removeOthers(dir, name);
    return target;
  }

  /** Earlier versions' unpacked libraries; a process still using one keeps its open file. */
  private static void removeOthers(Path dir, String keep) {
    try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "libraries-*.jar")) {
      for (Path p : old) {
        if (!p.getFileName().toString().equals(keep)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      LOG.debug("could not remove earlier unpacked libraries from {}: {}", dir, e.toString());
    }
  }

  /** The jar this class was loaded from, or null when it came from a directory. */
  private static Path runningJar() {
    CodeSource source = Libraries.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      Path p = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(p) ? p : null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
