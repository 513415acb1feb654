package org.mailassure.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mailassure.text.Shell;

/**
 * The system user the installed service runs as ({@code User=mailassure} in the unit), so that a
 * config checked by root sees its files as the service will: a key root can read but the service
 * cannot is a config error before the service ever starts. Read from {@code /etc/passwd} and {@code
 * /etc/group}; only the classic owner/group/other bits are judged (no ACLs). Immutable.
 *
 * @param name the user name
 * @param uid its user id
 * @param gids its primary and supplementary group ids
 */
public record ServiceAccount(String name, long uid, Set<Long> gids) {
  /** The user the package creates and the unit names. */
  public static final String NAME = "mailassure";

  /** Directories the unit hides from the service or gives it a private copy of. */
  private static final List<String> HIDDEN =
      List.of("/home/", "/root/", "/run/user/", "/tmp/", "/var/tmp/");

  public ServiceAccount {
    gids = Set.copyOf(gids);
  }

  /** The account from the passwd and group files, if it exists. */
  public static Optional<ServiceAccount> lookup(String name, Path passwd, Path group) {
    try {
      for (String line : lines(passwd)) {
        String[] f = line.split(":", -1);
        if (f.length >= 4 && f[0].equals(name)) {
          Set<Long> gids = new HashSet<>();
          gids.add(Long.parseLong(f[3]));
          for (String g : lines(group)) {
            String[] gf = g.split(":", -1);
            if (gf.length >= 4 && List.of(gf[3].split(",")).contains(name)) {
              gids.add(Long.parseLong(gf[2]));
            }
          }
          return Optional.of(new ServiceAccount(name, Long.parseLong(f[2]), gids));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** The largest passwd or group file read; a larger one is read this far. */
  private static final int MAX_BYTES = 64 << 20;

  /**
   * A passwd or group file's lines. Fields are compared as bytes would be: a GECOS field in another
   * encoding does not hide the account (names and ids are ASCII).
   */
  private static List<String> lines(Path file) throws IOException {
    String text =
        new String(
            org.mailassure.text.SmallFiles.read(file, MAX_BYTES),
            java.nio.charset.StandardCharsets.UTF_8);
    List<String> lines = new java.util.ArrayList<>();
    int at = 0;
    while (at < text.length()) {
      int end = text.indexOf('\n', at);
      if (end < 0) {
        end = text.length();
      }
      lines.add(text.substring(at, end));
      at = end + 1;
    }
    return lines;
  }

  /** The installed service's account on this machine, if mailassure is installed as a service. */
  public static Optional<ServiceAccount> installed() {
    return lookup(NAME, Path.of("/etc/passwd"), Path.of("/etc/group"));
  }

  /**
   * Why this account cannot read the file, with the fix; empty when it can. A file under a
   * directory the unit hides ({@code ProtectHome=}, {@code PrivateTmp=}) cannot be read whatever
   * its mode.
   */
  public Optional<String[]> cannotRead(Path file) {
    return cannotRead(file, HIDDEN);
  }

  /** As {@link #cannotRead(Path)}, with the directories the unit hides given. */
  Optional<String[]> cannotRead(Path file, List<String> hiddenDirectories) {
    Path abs = file.toAbsolutePath().normalize();
    for (String hidden : hiddenDirectories) {
      if ((abs + "/").startsWith(hidden)) {
        return Optional.of(
            new String[] {
              "the service (user "
                  + name
                  + ") cannot see "
                  + abs
                  + ": the unit hides "
                  + hidden
                  + " from it (ProtectHome=, PrivateTmp=)",
              "keep the file in /etc/mailassure, owned root:" + name + " with mode 0640"
            });
      }
    }
    try {
      for (Path dir = abs.getParent(); dir != null; dir = dir.getParent()) {
        if (!allows(dir, 1)) {
          return Optional.of(
              new String[] {
                "the service (user "
                    + name
                    + ") cannot reach "
                    + abs
                    + ": it may not enter "
                    + dir
                    + " ("
                    + describe(dir)
                    + ")",
                "keep the file in /etc/mailassure (root:"
                    + name
                    + ", mode 0750), or run 'chmod o+x "
                    + Shell.arg(dir)
                    + "'"
              });
        }
      }
      if (!allows(abs, 4)) {
        return Optional.of(
            new String[] {
              "the file "
                  + abs
                  + " is not readable by the service's user "
                  + name
                  + " ("
                  + describe(abs)
                  + ")",
              "run 'chown root:"
                  + name
                  + " "
                  + Shell.arg(abs)
                  + " && chmod 0640 "
                  + Shell.arg(abs)
                  + "'"
            });
      }
    } catch (IOException e) {
      return Optional.empty(); // what this user cannot inspect is checked when the service reads it
    }
    return Optional.empty();
  }

  /** Whether the account has the permission bit (4 read, 1 execute) on the path. */
  private boolean allows(Path p, int bit) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode");
    long owner = ((Number) Files.getAttribute(p, "unix:uid")).longValue();
    long group = ((Number) Files.getAttribute(p, "unix:gid")).longValue();
    if (owner == uid) {
      return (mode & (bit << 6)) != 0;
    }
    if (gids.contains(group)) {
      return (mode & (bit << 3)) != 0;
    }
    return (mode & bit) != 0;
  }

  private static String describe(Path p) throws IOException {
    var a =
        Files.readAttributes(
            p, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    return "owner "
        + a.owner().getName()
        + ":"
        + a.group().getName()
        + ", mode "
        + String.format("%04o", mode);
  }
}
