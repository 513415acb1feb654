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

  /** The driver's parameters a state URL may carry: TLS, time-outs, naming. */
  static final java.util.List<String> PARAMETERS =
      java.util.List.of(
          "sslmode",
          "sslrootcert",
          "sslcert",
          "sslkey",
          "connectTimeout",
          "socketTimeout",
          "loginTimeout",
          "tcpKeepAlive",
          "ApplicationName",
          "targetServerType",
          "currentSchema");

  /** Parameters that name a file. */
  private static final Set<String> FILE_PARAMETERS = Set.of("sslrootcert", "sslcert", "sslkey");

  /** Parameters that hold a secret (the driver takes them in any case). */
  private static final Set<String> SECRET_PARAMETERS = Set.of("password", "sslpassword");

  private static final Set<String> SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
  private static final Set<String> WEAK_SSL_MODES = Set.of("disable", "allow", "prefer");

  private StateReader() {}

  private static String decode(String raw) {
    try {
      return java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }

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
    String jdbc = url == null ? null : jdbcUrl(s, url, files);
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
  static String jdbcUrl(Section s, String url, FileChecks files) {
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
    if (uri.getPort() > 65535) {
      s.problem("url", "port " + uri.getPort() + " is out of range", "use a port from 1 to 65535");
      return null;
    }
    String sslmode = null;
    StringBuilder query = new StringBuilder();
    for (String pair : uri.getRawQuery() == null ? new String[0] : uri.getRawQuery().split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (SECRET_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
        // Never echoed: the value is a secret.
        s.problem(
            "url",
            "has a ?" + name + "= parameter; secrets never go inline in the config",
            "remove it; use state.password-file");
        return null;
      }
      if (!PARAMETERS.contains(name)) {
        s.problem(
            "url",
            (Section.looksLikeAKey(name) ? "'?" + name + "='" : "a parameter")
                + " is not one mailassure passes to PostgreSQL's driver"
                + (name.equalsIgnoreCase("user") ? " (the user is state.username)" : ""),
            "use only " + String.join(", ", PARAMETERS));
        return null;
      }
      if (name.equals("sslmode")) {
        sslmode = value;
      }
      if (FILE_PARAMETERS.contains(name)) {
        // A file, checked as every file the config names is (the key a secret), and, when
        // relative, found beside the config, not in the working directory the driver would use.
        Path file = files.existing(s, "url", value, name.equals("sslkey"));
        if (file == null) {
          return null;
        }
        pair =
            name
                + "="
                + java.net.URLEncoder.encode(
                    file.toString(), java.nio.charset.StandardCharsets.UTF_8);
      }
      query.append(query.length() == 0 ? "?" : "&").append(pair);
    }
    if (sslmode != null && !SSL_MODES.contains(sslmode)) {
      s.problem(
          "url",
          (Section.looksLikeAKey(sslmode) ? "sslmode=" + sslmode : "the sslmode")
              + " is not a mode PostgreSQL knows",
          "use verify-full (or verify-ca, or require)");
      return null;
    }
    if (!Names.isLoopback(uri.getHost()) && (sslmode == null || WEAK_SSL_MODES.contains(sslmode))) {
      // Without TLS, or with TLS the driver may drop, anyone on the way can read and change the
      // history and ask for the password in clear (PostgreSQL's cleartext password request).
      s.problem(
          "url",
          (sslmode == null
                  ? "gives no sslmode"
                  : "sslmode=" + sslmode + " lets the connection go without TLS")
              + ", so the database password and the shared history could cross the network"
              + " readable by anyone on the way",
          "add ?sslmode=verify-full&sslrootcert=FILE (the database server's CA certificate), or"
              + " ?sslmode=require to encrypt without checking the server");
      return null;
    }
    return "jdbc:postgresql://" + uri.getRawAuthority() + path + query;
  }
}
