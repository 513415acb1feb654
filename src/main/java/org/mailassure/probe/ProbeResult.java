package org.mailassure.probe;

import org.mailassure.probe.transport.SendFailure;

/**
 * How one domain's probe for one slot ended, after all its attempts.
 *
 * @param failure null when sent
 * @param error null when sent; never holds a secret
 * @param unrecorded null when every attempt was recorded; else why the state store could not take
 *     one (the probe may have left all the same)
 */
public record ProbeResult(
    String domain,
    String messageId,
    boolean sent,
    SendFailure.Kind failure,
    int attempts,
    String tlsProtocol,
    String tlsCipher,
    DkimMode dkim,
    String error,
    String unrecorded) {

  /** Sent and recorded. */
  public boolean ok() {
    return sent && unrecorded == null;
  }

  ProbeResult unrecorded(String why) {
    return new ProbeResult(
        domain, messageId, sent, failure, attempts, tlsProtocol, tlsCipher, dkim, error, why);
  }
}
