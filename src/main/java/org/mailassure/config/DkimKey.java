package org.mailassure.config;

import java.nio.file.Path;
import java.security.PrivateKey;
import org.mailassure.keys.DkimAlgorithm;

/**
 * A local DKIM signing key, loaded and checked when the config is loaded so that a bad key is a
 * configuration error and not a failed probe at six in the morning. {@link #toString()} never shows
 * key material.
 */
public record DkimKey(
    String selector, Path privateKeyFile, DkimAlgorithm algorithm, PrivateKey privateKey) {
  @Override
  public String toString() {
    return "DkimKey[selector="
        + selector
        + ", file="
        + privateKeyFile
        + ", algorithm="
        + algorithm.tagValue()
        + "]";
  }
}
