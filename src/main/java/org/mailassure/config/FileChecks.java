package org.mailassure.config;

import java.nio.file.Path;

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
  static boolean isCredentialPath(Path p) {
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

  Path existing(Section s, String key, String text) {
    if (text.startsWith(CREDENTIALS) && credentials == null) {
      return Path.of(text);
    }
    Path p = resolve(text);
    if (!java.nio.file.Files.isRegularFile(p)) {
      s.problem(key, "the file " + p + " does not exist", "create it or correct the path");
      return null;
    }
    if (!java.nio.file.Files.isReadable(p)) {
      s.problem(
          key,
          "the file " + p + " is not readable by this user",
          "give this user read access, e.g. 'chown root:mailassure "
              + p
              + " && chmod 0640 "
              + p
              + "'");
      return null;
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

  Problems problems() {
    return problems;
  }
}
