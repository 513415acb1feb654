package org.mailassure.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the state store lives: SQLite in {@code state-dir} by default, or a PostgreSQL database
 * that several hosts share ({@code state.url}).
 *
 * @param jdbcUrl null for SQLite; else the PostgreSQL JDBC URL made from {@code state.url}
 * @param url {@code state.url} as written, for messages; null for SQLite
 * @param username null for the driver's default (the operating system user)
 * @param passwordFile null when the server needs no password
 * @param retention rows older than this are pruned by the daemon
 */
public record StateSettings(
    String jdbcUrl, String url, String username, Path passwordFile, Duration retention) {
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(400);

  /** The shortest retention: {@code status} and {@code check} look back 26 hours. */
  public static final Duration MIN_RETENTION = Duration.ofDays(2);

  public static StateSettings sqlite() {
    return new StateSettings(null, null, null, null, DEFAULT_RETENTION);
  }

  /** Whether several hosts may share this store (PostgreSQL). */
  public boolean shared() {
    return jdbcUrl != null;
  }
}
