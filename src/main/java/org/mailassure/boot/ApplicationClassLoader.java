package org.mailassure.boot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipFile;

/**
 * The class loader of an installed mailassure, made by {@link Boot}. The JVM's own class path holds
 * only the jar of these two classes ({@code lib/mailassure-boot.jar}); this loader holds the other
 * jars of that {@code lib/} directory, which every command needs, and later, on request, the jars
 * of one of its subdirectories ({@code lib/graph/}, {@code lib/demo/}), so that a command that
 * never talks to Microsoft Graph never opens the Graph SDK.
 *
 * <p>Code comes only from the installation's {@code lib/} directory, found from this class's own
 * location, never from a cache, state or working directory. The checks on who may write those files
 * live in {@code org.mailassure.boot.Libraries}, which calls {@link #addGroup}.
 *
 * <p>The JDK keeps an open jar's whole directory on the heap (1.6 MiB for the daemon's 60 jars), so
 * this loader opens a jar only when a lookup needs it and closes them all on {@link #release()},
 * which the daemon calls when it goes idle; a later lookup opens the jar again. Once a jar has been
 * opened, the loader remembers which directories it holds, so a lookup in a package only some jars
 * have (a library probing for an optional class, say) opens only those. Jars are searched in the
 * same order as a class path: mailassure's own ({@code lib/mailassure.jar}) first, the rest of
 * {@code lib/} in name order, then each group's jars in name order; so a command that needs no
 * library ({@code --version}) opens only mailassure's jar. Names of the JDK's packages are asked of
 * the JDK first, as usual; any other name is looked for only in these jars (the JVM's class path
 * holds nothing else of mailassure's).
 *
 * <p>A group may also have jars of last resort ({@link #addLastResort}): the Graph SDK ships as a
 * small jar of the classes mailassure's usual paths use ({@code lib/graph/}) and, in {@code
 * lib/graph/complete/}, the SDK's whole jar (a 7 MiB directory), opened only when a class is not
 * found anywhere else (forward mode's inbox-rule models, say).
 *
 * <p>Thread-safe: parallel capable ({@code check} loads classes on many threads at once, and one
 * lock for the whole loader cost it a tenth more CPU); the jars are opened, read and closed under
 * the lock of their list.
 *
 * <p>A jar is reopened only if it is still the file first opened: after an upgrade has replaced the
 * installation under a running daemon, a class not loaded yet is not found (the message says to
 * restart) rather than taken from the new version.
 */
public final class ApplicationClassLoader extends URLClassLoader {
  static {
    registerAsParallelCapable();
  }

  /** mailassure's own jar, searched first, as an application's jar heads its class path. */
  static final String APPLICATION_JAR = "mailassure.jar";

  private final Path lib;
  private final List<Jar> jars = new ArrayList<>();
  private final List<String> added = new ArrayList<>();
  private final List<Jar> lastResort = new ArrayList<>();
  private final List<String> lastResortPackages = new ArrayList<>();

  /** The loader of the installation this class was loaded from. */
  static ApplicationClassLoader ofInstallation(ClassLoader parent) {
    Path bootJar = bootJar();
    Path lib = bootJar.getParent();
    try {
      return new ApplicationClassLoader(
          parent, lib, searchOrder(jarsIn(lib), bootJar.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("mailassure cannot list its libraries in " + lib, e);
    }
  }

  ApplicationClassLoader(ClassLoader parent, Path lib, List<Path> jars) {
    super("mailassure", new URL[0], parent);
    this.lib = lib;
    for (Path jar : jars) {
      this.jars.add(new Jar(jar));
    }
  }

  /** The installation's {@code lib/} directory: where this class's jar lies. */
  public Path lib() {
    return lib;
  }

  /**
   * Adds the jars of {@code lib/<group>/} to this loader, once; returns them, or an empty list if
   * the group was added before.
   */
  public List<Path> addGroup(String group, List<Path> groupJars) {
    synchronized (jars) {
      if (added.contains(group)) {
        return List.of();
      }
      for (Path jar : groupJars) {
        jars.add(new Jar(jar));
      }
      added.add(group);
      return groupJars;
    }
  }

  /**
   * Adds jars consulted only for classes and resources under {@code packagePrefix} (e.g. {@code
   * com.microsoft.graph.}) that no other jar of this loader holds. They are opened on the first
   * such miss, not before: libraries that probe for optional classes elsewhere never open them.
   */
  public void addLastResort(List<Path> resortJars, String packagePrefix) {
    synchronized (jars) {
      for (Path jar : resortJars) {
        if (lastResort.stream().noneMatch(j -> j.path.equals(jar))) {
          lastResort.add(new Jar(jar));
        }
      }
      if (!resortJars.isEmpty() && !lastResortPackages.contains(packagePrefix)) {
        lastResortPackages.add(packagePrefix);
      }
    }
  }

  /**
   * Closes every jar this loader has open, giving their directories back to the heap; the next
   * lookup that needs one opens it again. The daemon calls it when it goes idle.
   */
  public void release() {
    synchronized (jars) {
      everyJar().forEach(Jar::close);
    }
  }

  /** The jars open now (for tests). */
  List<Path> openJars() {
    synchronized (jars) {
      return everyJar().stream().filter(j -> j.file != null).map(j -> j.path).toList();
    }
  }

  /** The usual jars, then those of last resort. Call it holding the lock of {@link #jars}. */
  private List<Jar> everyJar() {
    List<Jar> all = new ArrayList<>(jars);
    all.addAll(lastResort);
    return all;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        if (fromTheJdk(name) || name.startsWith("org.mailassure.boot.")) {
          // The JDK's classes, and Boot and this class, which come from the JVM's class path so
          // that mailassure's code and Boot agree on what an ApplicationClassLoader is.
          try {
            c = getParent().loadClass(name);
          } catch (ClassNotFoundException notThere) {
            c = findClass(name);
          }
        } else {
          c = findClass(name);
        }
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  private static boolean fromTheJdk(String name) {
    return name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("jdk.")
        || name.startsWith("sun.")
        || name.startsWith("com.sun.")
        || name.startsWith("org.w3c.")
        || name.startsWith("org.xml.")
        || name.startsWith("org.ietf.");
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    String entry = name.replace('.', '/') + ".class";
    Found found;
    try {
      found = read(entry, inLastResort(name));
    } catch (IOException e) {
      throw new ClassNotFoundException(name + ": " + e.getMessage(), e);
    }
    if (found == null) {
      throw new ClassNotFoundException(name);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String pkg = name.substring(0, dot);
      if (getDefinedPackage(pkg) == null) {
        if (found.jar.manifest != null) {
          definePackage(pkg, found.jar.manifest, found.jar.url);
        } else {
          definePackage(pkg, null, null, null, null, null, null, null);
        }
      }
    }
    return defineClass(
        name,
        found.bytes,
        0,
        found.bytes.length,
        new CodeSource(found.jar.url, (CodeSigner[]) null));
  }

  @Override
  public URL findResource(String name) {
    synchronized (jars) {
      try {
        for (Jar jar : candidates(name, inLastResort(name.replace('/', '.')))) {
          if (jar.entry(name) != null) {
            return jar.urlOf(name);
          }
        }
      } catch (IOException e) {
        return null;
      }
      return null;
    }
  }

  @Override
  public Enumeration<URL> findResources(String name) throws IOException {
    synchronized (jars) {
      List<URL> urls = new ArrayList<>();
      for (Jar jar : candidates(name, false)) {
        if (jar.entry(name) != null) {
          urls.add(jar.urlOf(name));
        }
      }
      return Collections.enumeration(urls);
    }
  }

  /**
   * A resource's content read from this loader's jars, so that a stream never outlives a jar that
   * {@link #release()} closes; the JDK's modules and the boot jar first, as {@link #getResource}.
   */
  @Override
  public InputStream getResourceAsStream(String name) {
    InputStream fromParent = getParent().getResourceAsStream(name);
    if (fromParent != null) {
      return fromParent;
    }
    try {
      Found found = read(name, inLastResort(name.replace('/', '.')));
      return found == null ? null : new ByteArrayInputStream(found.bytes);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    release();
    super.close();
  }

  private boolean inLastResort(String className) {
    synchronized (jars) {
      for (String prefix : lastResortPackages) {
        if (className.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }
  }

  private record Found(Jar jar, byte[] bytes) {}

  /** The first jar's copy of an entry, read whole; null if no jar has it. */
  private Found read(String entry, boolean withLastResort) throws IOException {
    synchronized (jars) {
      for (Jar jar : candidates(entry, withLastResort)) {
        JarEntry e = jar.entry(entry);
        if (e != null) {
          byte[] bytes;
          try (InputStream in = jar.file.getInputStream(e)) {
            bytes = in.readAllBytes();
          }
          return new Found(jar, bytes);
        }
      }
      return null;
    }
  }

  /**
   * The jars that may hold an entry, in search order: those known to lack its directory skipped.
   */
  private List<Jar> candidates(String entry, boolean withLastResort) {
    String dir = directoryOf(entry);
    List<Jar> out = new ArrayList<>();
    for (Jar jar : jars) {
      if (jar.mayHold(dir)) {
        out.add(jar);
      }
    }
    if (withLastResort) {
      for (Jar jar : lastResort) {
        if (jar.mayHold(dir)) {
          out.add(jar);
        }
      }
    }
    return out;
  }

  private static String directoryOf(String entry) {
    return entry.substring(0, entry.lastIndexOf('/') + 1);
  }

  /** One jar: opened when a lookup needs it, its directories remembered once it has been opened. */
  private static final class Jar {
    final Path path;
    final URL url;

    /** The directories of its entries ("" for the top), or null until it is first opened. */
    Set<String> directories;

    Manifest manifest;
    JarFile file;

    /** The file first opened (inode, size, time), so that a reopening never reads another. */
    BasicFileAttributes first;

    Jar(Path path) {
      this.path = path;
      try {
        this.url = path.toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException(path.toString(), e);
      }
    }

    boolean mayHold(String directory) {
      return directories == null || directories.contains(directory);
    }

    JarEntry entry(String name) throws IOException {
      if (!mayHold(directoryOf(name))) {
        return null;
      }
      return open().getJarEntry(name);
    }

    JarFile open() throws IOException {
      if (file == null) {
        BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
        if (first != null && !sameFile(first, now)) {
          // An upgrade replaced the installation under a running mailassure: its classes and the
          // new jar's must not mix.
          throw new IOException(
              path
                  + " was replaced since mailassure started (an upgrade?);"
                  + " restart mailassure to run the new version");
        }
        // The runtime's version: a multi-release jar gives the entries meant for this Java.
        file = new JarFile(path.toFile(), false, ZipFile.OPEN_READ, JarFile.runtimeVersion());
        first = now;
        if (directories == null) {
          manifest = file.getManifest();
          Set<String> dirs = new HashSet<>();
          for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            dirs.add(directoryOf(name));
            if (name.startsWith("META-INF/versions/")) {
              int version = name.indexOf('/', "META-INF/versions/".length());
              if (version > 0) {
                dirs.add(directoryOf(name.substring(version + 1)));
              }
            }
          }
          directories = Set.copyOf(dirs);
        }
      }
      return file;
    }

    private static boolean sameFile(BasicFileAttributes a, BasicFileAttributes b) {
      return java.util.Objects.equals(a.fileKey(), b.fileKey())
          && a.size() == b.size()
          && a.lastModifiedTime().equals(b.lastModifiedTime());
    }

    URL urlOf(String name) throws MalformedURLException {
      return new URL("jar:" + url + "!/" + name);
    }

    void close() {
      if (file != null) {
        try {
          file.close();
        } catch (IOException ignored) {
          // Read-only: nothing was lost.
        }
        file = null;
      }
    }
  }

  /** The jars directly in a directory, in name order (so the class path is the same every time). */
  public static List<Path> jarsIn(Path dir) throws IOException {
    // java.io.File's listing: at start-up it needs none of the classes a glob's DirectoryStream
    // loads (a tenth of a bare --version's time).
    String[] names = dir.toFile().list();
    if (names == null) {
      throw new IOException(dir + " cannot be listed (missing, not a directory, or unreadable)");
    }
    java.util.Arrays.sort(names);
    List<Path> jars = new ArrayList<>();
    for (String name : names) {
      if (name.endsWith(".jar")) {
        jars.add(dir.resolve(name));
      }
    }
    return jars;
  }

  /**
   * The order {@code lib/}'s jars are searched in: mailassure's own first, then the others as given
   * (in name order), without the boot jar, which the JVM's class path holds.
   */
  static List<Path> searchOrder(List<Path> jarsInNameOrder, String bootJarName) {
    List<Path> out = new ArrayList<>();
    for (Path jar : jarsInNameOrder) {
      String name = jar.getFileName().toString();
      if (name.equals(APPLICATION_JAR)) {
        out.add(0, jar);
      } else if (!name.equals(bootJarName)) {
        out.add(jar);
      }
    }
    return out;
  }

  /** This class's own jar, {@code lib/mailassure-boot.jar} of the installation. */
  private static Path bootJar() {
    CodeSource source = ApplicationClassLoader.class.getProtectionDomain().getCodeSource();
    try {
      return Path.of(source.getLocation().toURI()).toAbsolutePath();
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException(
          "mailassure cannot tell where it is installed: start it with bin/mailassure", e);
    }
  }
}
