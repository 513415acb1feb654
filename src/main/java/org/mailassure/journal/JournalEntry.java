package org.mailassure.journal;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * One line of {@code journal.jsonl}: one attempt to send one domain's probe for one slot.
 *
 * @param slot the scheduled time the probe stands for, with the schedule's offset
 * @param trigger {@code schedule} for the daemon, {@code manual} for the send command
 * @param attempt 1 for the first attempt of the slot
 * @param tlsProtocol null when the transport cannot see the TLS it crossed
 * @param dkim {@code signed}, {@code provider} or {@code none}
 * @param error null on success; never holds a secret
 */
public record JournalEntry(
    OffsetDateTime slot,
    String domain,
    Instant sentAt,
    String messageId,
    Outcome outcome,
    int attempt,
    String transport,
    String trigger,
    String tlsProtocol,
    String tlsCipher,
    String dkim,
    String error) {}
