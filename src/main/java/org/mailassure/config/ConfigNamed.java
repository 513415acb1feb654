package org.mailassure.config;

/**
 * A choice of the config read by its name there ({@code graph}, {@code starttls}, {@code
 * client-secret}): what {@link Section#choice} matches a value against.
 */
interface ConfigNamed {
  /** The value as the config writes it. */
  String configName();
}
