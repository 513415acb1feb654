package org.mailassure.graph;

/**
 * A Graph call that failed, classified for retrying and for the exit code, with a message an
 * administrator can act on (which permission, which mailbox). Never holds a secret.
 */
public final class GraphFailure extends Exception {

  /** What the failure means. */
  public enum Kind {
    /** 429, 503, 504 and 5xx: retried, honouring Retry-After. */
    TEMPORARY,
    /** 400, 404 and the like: final. */
    PERMANENT,
    /** 401 or 403, or no token: final; the command exits 3 when every mailbox fails so. */
    AUTHENTICATION,
    /** Graph could not be reached at all. */
    UNREACHABLE
  }

  private final Kind kind;

  public GraphFailure(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
