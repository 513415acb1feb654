package org.mailassure.boot;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

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
 * <p>Thread-safe: {@link URLClassLoader} is parallel capable and {@link #addGroup} is synchronized.
 */
public final class ApplicationClassLoader extends URLClassLoader {
  static {
    registerAsParallelCapable();
  }

  private final Path lib;
  private final List<String> added = new ArrayList<>();

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
