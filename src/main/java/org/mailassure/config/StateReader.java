package org.mailassure.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/** Reads the {@code state} section: the PostgreSQL URL, its credentials and the retention. */
final class StateReader {
  static final Set<String> KEYS = Set.of("url", "username", "password-file", "retention");

  private StateReader() {}

  static StateSettings read(Section s, FileChecks files) {
    if (s == null) {
      return StateSettings.sqlite();
    }
    Duration retention = s.duration("retention", StateSettings.DEFAULT_RETENTION);
    if (retention.compareTo(StateSettings.MIN_RETENTION) < 0) {
      s.problem(
          "retention",
          "is shorter than 2d; status and check look back 26 hours",
          "use 2d or more (the default is 400d)");
      retention = StateSettings.DEFAULT_RETENTION;
    }
    String url = s.text("url", null);
    String username = s.text("username", null);
    Path password = s.has("password-file") ? files.optionalSecret(s, "password-file") : null;
    String jdbc = url == null ? null : jdbcUrl(s, url);
    if (url == null && (username != null || s.has("password-file"))) {
      s.problem(
          username != null ? "username" : "password-file",
          "username and password-file are for PostgreSQL, but no url is given",
          "add 'url: postgresql://HOST:5432/DATABASE', or remove them to use SQLite in state-dir");
    }
    return new StateSettings(jdbc, url, username, password, retention);
  }

  /**
   * {@code postgresql://host[:port]/database[?parameters]} as the PostgreSQL driver's JDBC URL;
   * null, with the problem recorded, for anything else.
   */
  static String jdbcUrl(Section s, String url) {
    String fix =
        "write postgresql://HOST:5432/DATABASE (parameters such as ?sslmode=verify-full allowed)";
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      s.problem("url", "'" + url + "' is not a URL", fix);
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
      s.problem("url", "'" + url + "' is not a postgresql:// URL", fix);
      return null;
    }
    if (uri.getRawUserInfo() != null) {
      s.problem(
          "url",
          "has a user name or password in it; secrets never go inline in the config",
          "remove it; use state.username and state.password-file");
      return null;
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (uri.getHost() == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
      s.problem("url", "'" + url + "' needs a host and one database name", fix);
      return null;
    }
    return "jdbc:postgresql://"
        + uri.getRawAuthority()
        + path
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }
}
