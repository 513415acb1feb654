package org.mailassure.graph;

/** A credential could not be built or refused to give a token. Its message never holds a secret. */
public final class CredentialException extends Exception {
  public CredentialException(String message) {
    super(message);
  }
}
