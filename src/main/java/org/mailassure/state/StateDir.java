package org.mailassure.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The state directory as mailassure writes in it, often as root: created when missing, refused to
 * root when every user may write in it (another user could plant a symbolic link where mailassure
 * is about to write, or replace the store), and a file in it is never reached through a link.
 */
public final class StateDir {
  private StateDir() {}

  /** The state directory cannot be used safely; the message names the problem and the fix. */
  public static final class UnsafeException extends IOException {
    private final String problem;
    private final String fix;

    UnsafeException(String problem, String fix) {
      super(problem + "; " + fix);
      this.problem = problem;
      this.fix = fix;
    }

    public String problem() {
      return problem;
    }

    public String fix() {
      return fix;
    }
  }

  /**
   * Creates {@code dir} if it is missing and, when mailassure runs as root, refuses it if every
   * user may write in it.
   */
  public static void prepare(Path dir) throws IOException {
    prepare(dir, "root".equals(System.getProperty("user.name")));
  }

  /**
   * Creates {@code dir} if it is missing and, {@code asRoot}, refuses it if every user may write in
   * it. Run as another user, a directory every user may write is left to that user: the files in it
   * are still never reached through a link, and Kubernetes makes every {@code emptyDir} volume so.
   * The directory itself may be a link (to another disk, say).
   */
  static void prepare(Path dir, boolean asRoot) throws IOException {
    Files.createDirectories(dir);
    if (asRoot) {
      String[] unsafe = everyUserCanWrite(dir);
      if (unsafe != null) {
        throw new UnsafeException("state-dir " + dir + " " + unsafe[0], unsafe[1]);
      }
    }
  }

  /**
   * Why root should not use {@code dir} as its state directory, and the fix; null when it may (or
   * when it does not exist yet: it is then created for its user alone to write).
   */
  public static String[] everyUserCanWrite(Path dir) {
    int mode;
    try {
      mode = ((Number) Files.getAttribute(dir, "unix:mode")).intValue() & 07777;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null; // missing, or not a POSIX file system: no mode to judge
    }
    if ((mode & 0002) == 0) {
      return null;
    }
    return new String[] {
      "is writable by every user (mode "
          + String.format(java.util.Locale.ROOT, "%04o", mode)
          + ") and mailassure runs as root: another user could replace the state store or put a"
          + " link where mailassure writes",
      "run chmod o-w "
          + org.mailassure.text.Shell.arg(dir)
          + ", or set state-dir to a directory only mailassure's user can write (a missing one is"
          + " created so)"
    };
  }

  /**
   * Refuses a symbolic link at {@code file}: mailassure writes its files in the state directory
   * itself, so a link there was put by someone else, to make it write elsewhere.
   */
  public static void refuseLink(Path file) throws UnsafeException {
    if (Files.isSymbolicLink(file)) {
      throw new UnsafeException(
          file
              + " is a symbolic link; mailassure follows no link inside its state-dir (one there"
              + " would make it write to another file)",
          "remove the link (rm " + file + ") and see who put it there");
    }
  }
}
