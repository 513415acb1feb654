package org.mailassure.state;

/**
 * The state store could not be opened, read or written. The message names the store and what the
 * database said, never a password, and says what to do.
 */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }
}
