package org.mailassure.boot;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The class loader of an installed mailassure, made by {@link Boot}. The JVM's own class path holds
 * only the jar of these two classes ({@code lib/mailassure-boot.jar}); this loader holds the other
 * jars of that {@code lib/} directory, which every command needs, and later, on request, the jars
 * of one of its subdirectories ({@code lib/graph/}, {@code lib/demo/}), so that a command that
 * never talks to Microsoft Graph never opens the Graph SDK's 40,000-entry jar, whose directory the
 * JDK would keep on the heap.
 *
 * <p>Code comes only from the installation's {@code lib/} directory, found from this class's own
 * location, never from a cache, state or working directory. The checks on who may write those files
 * live in {@code org.mailassure.boot.Libraries}, which calls {@link #addGroup}.
 *
 * <p>A group may also have jars of last resort ({@link #addLastResort}): the Graph SDK ships as a
 * small jar of the classes mailassure's usual paths use ({@code lib/graph/}) and, in {@code
 * lib/graph/complete/}, the SDK's whole jar, opened only when a class is not found anywhere else
 * (forward mode's inbox-rule models, say). The JDK keeps an open jar's directory on the heap, 7 MiB
 * for that one, for as long as the process lives, so the daemon's paths must not need it.
 *
 * <p>Thread-safe: {@link URLClassLoader} is parallel capable; {@link #addGroup}, {@link
 * #addLastResort} and the opening of the last-resort jars are synchronized.
 */
public final class ApplicationClassLoader extends URLClassLoader {
  static {
    registerAsParallelCapable();
  }

  private final Path lib;
  private final List<String> added = new ArrayList<>();
  private final List<Path> lastResort = new ArrayList<>();
  private final List<String> lastResortPackages = new ArrayList<>();
  private List<JarFile> lastResortOpen;

  /** The loader of the installation this class was loaded from. */
  static ApplicationClassLoader ofInstallation(ClassLoader parent) {
    Path lib = libDirectory();
    return new ApplicationClassLoader(parent, lib);
  }

  private ApplicationClassLoader(ClassLoader parent, Path lib) {
    super("mailassure", jars(lib), parent);
    this.lib = lib;
  }

  /** The installation's {@code lib/} directory: where this class's jar lies. */
  public Path lib() {
    return lib;
  }

  /**
   * Adds the jars of {@code lib/<group>/} to this loader, once; returns them, or an empty list if
   * the group was added before.
   */
  public synchronized List<Path> addGroup(String group, List<Path> jars) {
    if (added.contains(group)) {
      return List.of();
    }
    for (Path jar : jars) {
      try {
        addURL(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException(jar.toString(), e);
      }
    }
    added.add(group);
    return jars;
  }

  /**
   * Adds jars consulted only for classes and resources under {@code packagePrefix} (e.g. {@code
   * com.microsoft.graph.}) that no other jar of this loader holds. They are opened on the first
   * such miss, not before: libraries that probe for optional classes elsewhere never open them.
   */
  public synchronized void addLastResort(List<Path> jars, String packagePrefix) {
    for (Path jar : jars) {
      if (!lastResort.contains(jar)) {
        lastResort.add(jar);
      }
    }
    if (!jars.isEmpty() && !lastResortPackages.contains(packagePrefix)) {
      lastResortPackages.add(packagePrefix);
    }
  }

  private synchronized boolean inLastResort(String className) {
    return lastResortPackages.stream().anyMatch(className::startsWith);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    try {
      return super.findClass(name);
    } catch (ClassNotFoundException notInTheUsualJars) {
      if (!inLastResort(name)) {
        throw notInTheUsualJars;
      }
      String entry = name.replace('.', '/') + ".class";
      try {
        for (JarFile jar : lastResortJars()) {
          JarEntry found = jar.getJarEntry(entry);
          if (found != null) {
            byte[] bytes;
            try (InputStream in = jar.getInputStream(found)) {
              bytes = in.readAllBytes();
            }
            URL location = Path.of(jar.getName()).toUri().toURL();
            return defineClass(
                name, bytes, 0, bytes.length, new CodeSource(location, (CodeSigner[]) null));
          }
        }
      } catch (IOException e) {
        ClassNotFoundException failure =
            new ClassNotFoundException(name + ": a library jar could not be read", e);
        failure.addSuppressed(notInTheUsualJars);
        throw failure;
      }
      throw notInTheUsualJars;
    }
  }

  @Override
  public URL findResource(String name) {
    URL url = super.findResource(name);
    if (url != null || !inLastResort(name.replace('/', '.'))) {
      return url;
    }
    try {
      for (JarFile jar : lastResortJars()) {
        if (jar.getJarEntry(name) != null) {
          return new URL("jar:" + Path.of(jar.getName()).toUri() + "!/" + name);
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /** The last-resort jars, opened on first use; a jar added later is opened when first needed. */
  private synchronized List<JarFile> lastResortJars() throws IOException {
    if (lastResortOpen == null) {
      lastResortOpen = new ArrayList<>();
    }
    for (int i = lastResortOpen.size(); i < lastResort.size(); i++) {
      lastResortOpen.add(new JarFile(lastResort.get(i).toFile(), false));
    }
    return List.copyOf(lastResortOpen);
  }

  /** The jars directly in a directory, in name order (so the class path is the same every time). */
  public static List<Path> jarsIn(Path dir) throws IOException {
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
      for (Path p : s) {
        jars.add(p);
      }
    }
    jars.sort(null);
    return jars;
  }

  private static Path libDirectory() {
    CodeSource source = ApplicationClassLoader.class.getProtectionDomain().getCodeSource();
    try {
      return Path.of(source.getLocation().toURI()).toAbsolutePath().getParent();
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException(
          "mailassure cannot tell where it is installed: start it with bin/mailassure", e);
    }
  }

  private static URL[] jars(Path lib) {
    try {
      String boot =
          new File(
                  ApplicationClassLoader.class
                      .getProtectionDomain()
                      .getCodeSource()
                      .getLocation()
                      .toURI())
              .getName();
      List<URL> urls = new ArrayList<>();
      for (Path jar : jarsIn(lib)) {
        if (!jar.getFileName().toString().equals(boot)) {
          urls.add(jar.toUri().toURL());
        }
      }
      return urls.toArray(URL[]::new);
    } catch (IOException e) {
      throw new UncheckedIOException("mailassure cannot list its libraries in " + lib, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
