package org.mailassure.config;

import java.nio.file.Path;
import org.mailassure.text.Shell;

/**
 * Resolves and checks file paths, relative to the config file's directory. A path that starts with
 * {@code ${CREDENTIALS_DIRECTORY}} is resolved in systemd's credentials directory; outside the
 * service (no such variable, e.g. an admin running {@code validate}) it cannot be checked and is
 * left to be checked when the service reads it. When mailassure is installed as a service and
 * another user (root, say) checks the config, each file is also checked as the service's user will
 * see it.
 */
public final class FileChecks {
  static final String CREDENTIALS = "${CREDENTIALS_DIRECTORY}";
  private final Problems problems;
  private final Path base;
  private final String credentials;
  private final ServiceAccount service;

  /**
   * @param service the installed service's account, whose view of each file is checked too; null
   *     when mailassure is not installed as a service or this process runs as that user
   */
  FileChecks(Problems problems, Path base, String credentials, ServiceAccount service) {
    this.problems = problems;
    this.base = base;
    this.credentials =
        credentials == null || credentials.isBlank() ? null : credentials.split(":")[0];
    this.service = service;
  }

  /** Whether the path is a systemd credential path left as written (outside the service). */
  public static boolean isCredentialPath(Path p) {
    return p.toString().startsWith(CREDENTIALS);
  }

  /**
   * The words for a file named by a credential path that this process cannot read, since it is not
   * the service: what it is and what to do instead.
   */
  public static String serviceOnly(Path p) {
    return p
        + " is a systemd credential, which exists only inside mailassure.service; to run this by"
        + " hand, keep the file in /etc/mailassure (owned root:mailassure, mode 0640) and name that"
        + " path instead";
  }

  Path resolve(String text) {
    if (text.startsWith(CREDENTIALS) && credentials != null) {
      return Path.of(credentials, text.substring(CREDENTIALS.length()).replaceFirst("^/+", ""));
    }
    Path p = Path.of(text);
    return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
  }

  /** A file that must exist and be readable when the key is given; null when absent or bad. */
  Path optional(Section s, String key) {
    String text = s.text(key, null);
    return text == null ? null : existing(s, key, text);
  }

  /** Keys, certificates, secrets and trust stores are small; a larger file is refused unread. */
  static final int MAX_FILE_BYTES = org.mailassure.text.SmallFiles.MAX_KEY_OR_SECRET_BYTES;

  /** The group that may read secret files besides their owner: the installed service's. */
  static final String SERVICE_GROUP = ServiceAccount.NAME;

  /** A secret file (password, client secret, token, private key) that must exist when given. */
  Path optionalSecret(Section s, String key) {
    String text = s.text(key, null);
    return text == null ? null : existing(s, key, text, true);
  }

  Path existing(Section s, String key, String text) {
    return existing(s, key, text, false);
  }

  /**
   * The file a key names, checked before it is read: it exists, is a regular file (not a directory,
   * FIFO or device), is at most {@link #MAX_FILE_BYTES}, is readable, and, for a secret, is not
   * readable by others nor by any group but the service's (as OpenSSH refuses private keys others
   * can read), except under systemd's credentials directory, which systemd protects. Null, with the
   * problem recorded, when it is not.
   */
  Path existing(Section s, String key, String text, boolean secret) {
    if (text.startsWith(CREDENTIALS) && credentials == null) {
      return Path.of(text);
    }
    Path p = resolve(text);
    java.nio.file.attribute.PosixFileAttributes a;
    try {
      a = java.nio.file.Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class);
    } catch (java.nio.file.NoSuchFileException e) {
      s.problem(key, "the file " + p + " does not exist", "create it or correct the path");
      return null;
    } catch (java.io.IOException e) {
      s.problem(
          key,
          "the file "
              + p
              + " cannot be inspected ("
              + org.mailassure.text.Words.whyUnreadable(e)
              + ")",
          "check the path and the permissions of the directories above it");
      return null;
    } catch (UnsupportedOperationException e) {
      s.problem(
          key,
          "the file " + p + " is on a file system without POSIX permissions",
          "keep keys and secrets on a Linux file system, where mailassure can check who may read"
              + " them");
      return null;
    }
    if (a.isDirectory()) {
      s.problem(key, p + " is a directory, not a file", "name the file inside it");
      return null;
    }
    if (!a.isRegularFile()) {
      s.problem(key, p + " is " + kind(p) + ", not a regular file", "name a regular file");
      return null;
    }
    if (a.size() > MAX_FILE_BYTES) {
      s.problem(
          key,
          "the file "
              + p
              + " is "
              + a.size()
              + " bytes; keys, certificates and secrets are"
              + " at most "
              + (MAX_FILE_BYTES >> 20)
              + " MiB",
          "name the right file");
      return null;
    }
    if (!java.nio.file.Files.isReadable(p)) {
      s.problem(
          key,
          "the file " + p + " is not readable by this user",
          "give this user read access, e.g. 'chown root:mailassure "
              + Shell.arg(p)
              + " && chmod 0640 "
              + Shell.arg(p)
              + "'");
      return null;
    }
    boolean protectedBySystemd = credentials != null && p.startsWith(credentials);
    if (secret && !protectedBySystemd) {
      var perms = a.permissions();
      if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
        s.problem(
            key,
            "the secret file " + p + " is readable by every user",
            "run 'chmod 600 "
                + Shell.arg(p)
                + "' (or 'chown root:"
                + SERVICE_GROUP
                + " "
                + Shell.arg(p)
                + " && chmod 640 "
                + Shell.arg(p)
                + "' for the service)");
        return null;
      }
      // The group's name is looked up (the system's group database) only when it matters.
      String group =
          perms.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
              ? a.group().getName()
              : null;
      if (group != null && !group.equals(SERVICE_GROUP)) {
        s.problem(
            key,
            "the secret file " + p + " is readable by the group " + group,
            "run 'chmod 600 "
                + Shell.arg(p)
                + "', or 'chown root:"
                + SERVICE_GROUP
                + " "
                + Shell.arg(p)
                + " && chmod 640 "
                + Shell.arg(p)
                + "' so that only the service's group can read it");
        return null;
      }
    }
    if (service != null && !text.startsWith(CREDENTIALS)) {
      var why = service.cannotRead(p);
      if (why.isPresent()) {
        s.problem(key, why.get()[0], why.get()[1]);
        return null;
      }
    }
    return p;
  }

  /** What a file that is neither a directory nor a regular file is, in words. */
  private static String kind(Path p) {
    int mode;
    try {
      mode = (Integer) java.nio.file.Files.getAttribute(p, "unix:mode");
    } catch (java.io.IOException | RuntimeException e) {
      return "a special file";
    }
    return switch (mode & 0170000) {
      case 0010000 -> "a FIFO";
      case 0020000 -> "a character device";
      case 0060000 -> "a block device";
      case 0140000 -> "a socket";
      default -> "a special file";
    };
  }

  Problems problems() {
    return problems;
  }
}
