package org.mailassure.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The domains of a config as {@link ConfigLoader#outline} reads them: names, mailboxes and the DKIM
 * keys they name, nothing checked beyond that. Immutable.
 *
 * @param source the config file it was read from
 */
public record ConfigOutline(Path source, List<Domain> domains) {
  public ConfigOutline {
    domains = List.copyOf(domains);
  }

  /**
   * A domain as written: its name in lower case, its mailbox as written (null when not given) and
   * its DKIM keys.
   */
  public record Domain(String name, String mailbox, List<Key> dkim) {
    public Domain {
      dkim = List.copyOf(dkim);
    }

    /** The key the domain names for this selector (lower case), if any. */
    public Optional<Key> key(String selector) {
      return dkim.stream().filter(k -> k.selector().equals(selector)).findFirst();
    }
  }

  /**
   * A DKIM key as named: its selector in lower case and its file, resolved as the loader would,
   * absolute and normalised.
   */
  public record Key(String selector, Path privateKeyFile) {}

  /** The domain of this name (lower case), if the config has it. */
  public Optional<Domain> domain(String name) {
    return domains.stream().filter(d -> d.name().equals(name)).findFirst();
  }
}
