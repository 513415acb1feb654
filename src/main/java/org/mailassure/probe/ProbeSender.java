package org.mailassure.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailassure.batch.Batch;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.config.ProbeSettings.TransportKind;
import org.mailassure.config.RetryPolicy;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.Outcome;
import org.mailassure.probe.dkim.DkimSigner;
import org.mailassure.probe.transport.Delivery;
import org.mailassure.probe.transport.OutgoingProbe;
import org.mailassure.probe.transport.ProbeTransport;
import org.mailassure.probe.transport.SendFailure;
import org.mailassure.state.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a domain's probe for a slot: composes it once, signs it with the domain's DKIM keys, hands
 * it to the transport, retries temporary failures by {@code probe.retry} (or the server's
 * Retry-After), and records every attempt in the state store before moving on; before each attempt
 * it asks the {@link Ledger} (which claims the slot when hosts share the store). A batch sends
 * domains in parallel under a bound and never stops at a failed domain. Thread-safe.
 */
public final class ProbeSender {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeSender.class);

  private final Config config;
  private final ProbeTransport transport;
  private final Ledger ledger;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Batch batch;
  private final String version;

  public ProbeSender(
      Config config,
      ProbeTransport transport,
      Ledger ledger,
      Clock clock,
      Sleeper sleeper,
      String version) {
    this(config, transport, ledger, clock, sleeper, version, Batch.threads("probe"));
  }

  /**
   * @param batch runs a slot's domains in parallel (see {@link #parallelism()})
   */
  public ProbeSender(
      Config config,
      ProbeTransport transport,
      Ledger ledger,
      Clock clock,
      Sleeper sleeper,
      String version,
      Batch batch) {
    this.config = config;
    this.transport = transport;
    this.ledger = ledger;
    this.clock = clock;
    this.sleeper = sleeper;
    this.version = version;
    this.batch = batch;
  }

  /**
   * The most domains sent at once: Graph allows 4 concurrent requests per app; relays are given 8.
   */
  public int parallelism() {
    return config.probe().transport() == TransportKind.GRAPH ? 4 : 8;
  }

  /** Sends every domain's probe for a slot, domains in parallel; results in the order given. */
  public List<ProbeResult> sendAll(
      List<DomainSettings> domains, Instant slot, String trigger, Instant deadline) {
    return batch.map(
        domains,
        parallelism(),
        d -> send(d, slot, trigger, deadline),
        (d, e) -> {
          boolean interrupted = e instanceof InterruptedException;
          if (!interrupted) {
            LOG.error("probe for {} failed unexpectedly: {}", d.name(), e.toString());
          }
          return new ProbeResult(
              d.name(),
              ProbeMessage.messageId(d.name(), slot),
              false,
              interrupted ? SendFailure.Kind.TEMPORARY : SendFailure.Kind.PERMANENT,
              0,
              null,
              null,
              dkimMode(d),
              interrupted
                  ? "interrupted before it finished"
                  : "internal error: " + e.getClass().getSimpleName(),
              null);
        });
  }

  /**
   * Sends one domain's probe for one slot, with retries.
   *
   * @param deadline no retry is started that would wait past this; null for no limit
   */
  public ProbeResult send(DomainSettings d, Instant slot, String trigger, Instant deadline) {
    Instant composedAt = clock.instant();
    String messageId = ProbeMessage.messageId(d.name(), slot);
    byte[] mime =
        ProbeMessage.compose(
            d.name(),
            d.sender(),
            config.assessmentAddress(),
            config.probe().subject(),
            slot,
            composedAt,
            config.probe().timeZone(),
            version);
    if (!d.dkim().isEmpty()) {
      mime = new DkimSigner(d.name(), d.dkim()).sign(mime, composedAt);
    }
    OutgoingProbe probe =
        new OutgoingProbe(d.name(), d.sender(), config.assessmentAddress(), messageId, mime);
    DkimMode dkim = dkimMode(d);
    RetryPolicy retry = config.probe().retry();
    for (int attempt = 1; ; attempt++) {
      Optional<String> refused = ledger.mayAttempt(d.name(), slot);
      if (refused.isPresent()) {
        LOG.debug("{}: not sending the probe for {}: {}", d.name(), slot, refused.get());
        return new ProbeResult(
            d.name(),
            messageId,
            false,
            SendFailure.Kind.TEMPORARY,
            attempt - 1,
            null,
            null,
            dkim,
            "not sent: " + refused.get(),
            null);
      }
      try {
        Delivery delivery = transport.send(probe, d);
        String unrecorded =
            record(
                slot,
                d,
                messageId,
                Outcome.SENT,
                attempt,
                trigger,
                delivery.tlsProtocol(),
                delivery.tlsCipher(),
                dkim,
                null);
        LOG.info(
            "{}: probe {} sent {}",
            d.name(),
            messageId,
            delivery.tlsProtocol() == null
                ? "(the hop to it was not TLS; " + config.probe().transport().configName() + ")"
                : "over " + delivery.tlsProtocol() + " " + delivery.tlsCipher());
        return new ProbeResult(
            d.name(),
            messageId,
            true,
            null,
            attempt,
            delivery.tlsProtocol(),
            delivery.tlsCipher(),
            dkim,
            null,
            unrecorded);
      } catch (SendFailure f) {
        Duration wait = f.retryAfter().orElse(retry.delayAfter(attempt));
        // A server's Retry-After is obeyed up to max-backoff; a longer ask ends the slot's tries.
        boolean askedTooMuch = wait.compareTo(retry.maxBackoff()) > 0;
        boolean mayTryAgain = f.retryable() && !askedTooMuch && attempt < retry.attempts();
        boolean fitsInSlot = deadline == null || !clock.instant().plus(wait).isAfter(deadline);
        boolean again = mayTryAgain && fitsInSlot;
        String why = null;
        if (mayTryAgain && !fitsInSlot) {
          // Said, so that "failed after 5 attempts" with attempts: 100 explains itself.
          why =
              "not tried again, as the next try ("
                  + org.mailassure.graph.GraphErrors.words(wait)
                  + " away) would fall in the last minute before the next slot";
        } else if (f.retryable() && askedTooMuch) {
          why =
              "the server asked to wait "
                  + org.mailassure.graph.GraphErrors.words(wait)
                  + " (Retry-After), longer than probe.retry.max-backoff ("
                  + org.mailassure.graph.GraphErrors.words(retry.maxBackoff())
                  + "), so this slot is not tried again";
        }
        if (why != null) {
          f = new SendFailure(f.kind(), f.getMessage() + "; " + why, null, f);
        }
        String unrecorded =
            record(
                slot,
                d,
                messageId,
                again ? Outcome.RETRYING : Outcome.FAILED,
                attempt,
                trigger,
                null,
                null,
                dkim,
                f.getMessage());
        if (!again || unrecorded != null) {
          LOG.warn(
              "{}: probe failed after {}: {}",
              d.name(),
              org.mailassure.text.Words.count(attempt, "attempt"),
              f.getMessage());
          // An attempt that could not be recorded is not followed by another: nothing is sent
          // that the store cannot take.
          return new ProbeResult(
              d.name(),
              messageId,
              false,
              f.kind(),
              attempt,
              null,
              null,
              dkim,
              f.getMessage(),
              unrecorded);
        }
        LOG.info(
            "{}: attempt {} failed ({}); retrying in {}",
            d.name(),
            attempt,
            f.getMessage(),
            org.mailassure.config.Durations.format(wait));
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new ProbeResult(
              d.name(),
              messageId,
              false,
              f.kind(),
              attempt,
              null,
              null,
              dkim,
              f.getMessage() + " (stopped before retrying)",
              null);
        }
      }
    }
  }

  /** Records an attempt; null when recorded, else why not (logged). */
  private String record(
      Instant slot,
      DomainSettings d,
      String messageId,
      Outcome outcome,
      int attempt,
      String trigger,
      String tlsProtocol,
      String tlsCipher,
      DkimMode dkim,
      String error) {
    JournalEntry entry =
        new JournalEntry(
            slot.atZone(config.probe().timeZone()).toOffsetDateTime(),
            d.name(),
            clock.instant(),
            messageId,
            outcome,
            attempt,
            config.probe().transport().configName(),
            trigger,
            tlsProtocol,
            tlsCipher,
            dkim.journalName(),
            error);
    try {
      ledger.record(entry);
      return null;
    } catch (StoreException e) {
      LOG.error(
          "{}: the {} attempt {} was not recorded: {}",
          d.name(),
          outcome.journalName(),
          attempt,
          e.getMessage());
      return e.getMessage();
    }
  }

  /** Who signs this domain's probes. */
  public DkimMode dkimMode(DomainSettings d) {
    if (!d.dkim().isEmpty()) {
      return DkimMode.SIGNED;
    }
    if (config.probe().transport() == TransportKind.GRAPH || isMicrosoftRelay(d.smtp().host())) {
      return DkimMode.PROVIDER;
    }
    return DkimMode.NONE;
  }

  /** Exchange Online's submission hosts sign outbound mail with the tenant's DKIM keys. */
  private static boolean isMicrosoftRelay(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".office365.com")
        || h.endsWith(".office365.us")
        || h.endsWith(".outlook.com")
        || h.endsWith(".outlook.cn")
        || h.endsWith(".office365.cn");
  }
}
