package org.mailassure.probe.transport;

import java.util.Arrays;

/**
 * A probe ready to leave: its envelope and its final MIME bytes (already DKIM-signed when the
 * domain has keys). Transports send the bytes exactly as they are.
 */
public record OutgoingProbe(
    String domain, String sender, String recipient, String messageId, byte[] mime) {
  @Override
  public boolean equals(Object o) {
    return o instanceof OutgoingProbe p
        && p.messageId.equals(messageId)
        && Arrays.equals(p.mime, mime);
  }

  @Override
  public int hashCode() {
    return messageId.hashCode();
  }

  @Override
  public String toString() {
    return "OutgoingProbe[" + domain + ", " + messageId + ", " + mime.length + " bytes]";
  }
}
