package org.mailassure.state;

import java.util.Optional;

/**
 * The state store could not be opened, read or written. The message names the store and what the
 * database said, never a password, and says what to do.
 */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String fix;

  public StoreException(String message) {
    this(message, null);
  }

  /**
   * @param fix what to do when the database's own error says it whoever runs the command (a damaged
   *     file, a full disk); null when it depends on the command and the user
   */
  public StoreException(String message, String fix) {
    super(message);
    this.fix = fix;
  }

  /** What to do, when the error itself says it (see {@link #StoreException(String, String)}). */
  public Optional<String> fix() {
    return Optional.ofNullable(fix);
  }
}
