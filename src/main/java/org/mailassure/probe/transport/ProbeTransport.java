package org.mailassure.probe.transport;

/**
 * A way for a probe to leave: SMTP to a relay over mandatory TLS, or Graph {@code sendMail}.
 * Implementations are thread-safe; one instance serves every domain of a run.
 */
public sealed interface ProbeTransport extends AutoCloseable permits SmtpTransport, GraphTransport {
  /** Sends one probe, once; retrying is the caller's job. */
  /** Ends whatever the transport keeps open between sends. */
  @Override
  default void close() {}

  Delivery send(OutgoingProbe probe, org.mailassure.config.DomainSettings domain)
      throws SendFailure;
}
