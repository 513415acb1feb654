package org.mailassure.probe;

import org.mailassure.probe.transport.SendFailure;

/**
 * How one domain's probe for one slot ended, after all its attempts.
 *
 * @param failure null when sent
 * @param error null when sent; never holds a secret
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
    String error) {}
