package org.mailassure.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.mailassure.text.Shell;

/**
 * The libraries that only some commands need, installed in their own subdirectory of {@code lib/}
 * and added to the {@link ApplicationClassLoader} when a command first needs them: the Microsoft
 * Graph SDK and Azure Identity ({@code lib/graph/}: Graph, the graph transport, XOAUTH2 tokens) and
 * SubEthaSMTP with Bouncy Castle ({@code lib/demo/}: the demo's relay and certificates).
 *
 * <p>Since mailassure often runs as root, code is taken only from a directory that nobody but root
 * (or the user running mailassure, for an unpacked tarball in a home directory) can write: the
 * group's directory, every directory above it and every jar in it must belong to root or to this
 * user and be writable by neither group nor others, as OpenSSH demands of the files it trusts.
 * Nothing is ever loaded from a cache, state or working directory.
 *
 * <p>When the libraries are already loadable (the tests, an IDE), this does nothing.
 */
public final class Libraries {
  private static final Set<PosixFilePermission> OTHERS_WRITE =
      Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  /** A subdirectory of {@code lib/} and a class that only its jars hold. */
  public enum Group {
    GRAPH(
        "graph",
        "com/microsoft/graph/serviceclient/GraphServiceClient.class",
        "com.microsoft.graph."),
    DEMO("demo", "org/subethamail/smtp/server/SMTPServer.class", null);

    private final String directory;
    private final String probe;
    private final String lastResortPackages;

    /**
     * @param lastResortPackages the package prefix of the classes the group's {@code complete/}
     *     jars hold (see {@link ApplicationClassLoader#addLastResort}); null when it has none
     */
    Group(String directory, String probe, String lastResortPackages) {
      this.directory = directory;
      this.probe = probe;
      this.lastResortPackages = lastResortPackages;
    }

    /** The subdirectory of {@code lib/}. */
    public String directory() {
      return directory;
    }
  }

  /** The libraries cannot be added; the message says why and what to do. */
  public static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  private Libraries() {}

  /**
   * Makes a group's libraries loadable by this process. Call it before the first use of any class
   * from them.
   *
   * @param feature what needs them, for the message, e.g. "the graph transport"
   */
  public static void require(Group group, String feature) throws Unavailable {
    ClassLoader loader = Libraries.class.getClassLoader();
    if (loader.getResource(group.probe) != null) {
      return;
    }
    if (!(loader instanceof ApplicationClassLoader app)) {
      throw new Unavailable(
          feature
              + " needs the libraries in lib/"
              + group.directory
              + "/ of an installed mailassure; start it with bin/mailassure");
    }
    Path dir = app.lib().resolve(group.directory);
    List<Path> jars;
    try {
      jars = trustedJars(dir, selfUid());
    } catch (IOException e) {
      throw unreadable(feature, dir, e);
    }
    if (jars.isEmpty()) {
      throw new Unavailable(
          feature
              + " needs the libraries in "
              + dir
              + ", which holds none;"
              + " install mailassure again");
    }
    // Jars of last resort: opened only for a class no other jar holds (ApplicationClassLoader).
    Path complete = dir.resolve("complete");
    List<Path> lastResort = List.of();
    if (group.lastResortPackages != null
        && Files.isDirectory(complete, LinkOption.NOFOLLOW_LINKS)) {
      try {
        lastResort = trustedJars(complete, selfUid());
      } catch (IOException e) {
        throw unreadable(feature, complete, e);
      }
    }
    app.addGroup(group.directory, jars);
    app.addLastResort(lastResort, group.lastResortPackages);
  }

  private static Unavailable unreadable(String feature, Path dir, IOException e) {
    return new Unavailable(
        feature
            + " needs the libraries in "
            + dir
            + ", which cannot be read ("
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + "); install mailassure again");
  }

  /**
   * The jars of a directory, once it and every directory above it are found to be writable only by
   * root or {@code uid}.
   */
  static List<Path> trustedJars(Path dir, long uid) throws IOException, Unavailable {
    Path real = dir.toRealPath();
    for (Path p = real; p != null; p = p.getParent()) {
      requireTrusted(p, uid, "directory");
    }
    List<Path> jars = ApplicationClassLoader.jarsIn(real);
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar, LinkOption.NOFOLLOW_LINKS)) {
        throw new Unavailable(
            jar
                + " is not a regular file; code is loaded only from the"
                + " installation's own files: install mailassure again");
      }
      requireTrusted(jar, uid, "file");
    }
    return jars;
  }

  private static void requireTrusted(Path p, long uid, String kind)
      throws IOException, Unavailable {
    PosixFileAttributes a =
        Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    long owner =
        ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    boolean sticky =
        kind.equals("directory")
            && (((Number) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue()
                    & 01000)
                != 0;
    if (owner != 0 && owner != uid) {
      throw new Unavailable(
          "code is not loaded from "
              + p
              + ": the "
              + kind
              + " belongs to "
              + a.owner().getName()
              + ", who could change it; mailassure's libraries must belong to"
              + " root (chown -R root:root the installation) or to the user running it");
    }
    if (!sticky && a.permissions().stream().anyMatch(OTHERS_WRITE::contains)) {
      throw new Unavailable(
          "code is not loaded from "
              + p
              + ": the "
              + kind
              + " is writable by"
              + " its group or others; run 'chmod go-w "
              + Shell.arg(p)
              + "' or install mailassure again");
    }
  }

  /** This process's user id: the owner of {@code /proc/self}. */
  private static long selfUid() throws Unavailable {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | UnsupportedOperationException e) {
      throw new Unavailable("mailassure cannot tell which user it runs as (no /proc/self)");
    }
  }
}
