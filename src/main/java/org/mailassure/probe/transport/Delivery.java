package org.mailassure.probe.transport;

/**
 * A probe accepted by the relay or by Graph, and the TLS of the connection it crossed.
 *
 * @param tlsProtocol e.g. TLSv1.3; null when the transport cannot see it
 * @param tlsCipher e.g. TLS_AES_256_GCM_SHA384; null when the transport cannot see it
 * @param reply the server's final reply, for the log
 */
public record Delivery(String tlsProtocol, String tlsCipher, String reply) {}
