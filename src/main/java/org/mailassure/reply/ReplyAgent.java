package org.mailassure.reply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.mailassure.batch.Batch;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.graph.GraphCalls;
import org.mailassure.graph.GraphFailure;
import org.mailassure.state.ReplyStore;
import org.mailassure.state.ReplyStore.Outcome;
import org.mailassure.state.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reply agent: answers each message the assessment service sends to a domain's shared mailbox
 * with a real reply from that mailbox, once.
 *
 * <p>A look at a mailbox lists its inbox's messages from the assessment address received since the
 * last look (less {@link #MARGIN}; {@link #FIRST_LOOK_BACK} the first time), keeps those whose To
 * or Cc names the mailbox itself, and for each, oldest first: claims it in the state store, replies
 * through Graph to the assessment address alone, and settles the claim with the outcome. A message
 * already settled, or held by a live process on another host, is left alone, so restarts, clock
 * changes and overlapping looks never answer twice. A reply that could not be made for a reason
 * that may pass (throttling, a lost connection, a permission not yet granted) gives its claim back
 * and is tried at the next look; one Graph refuses for good is settled as failed. At most {@code
 * rule.max-replies-per-day} replies leave a mailbox in any 24 hours; messages over that are settled
 * as capped, unanswered. Nothing is sent that cannot be recorded: a settlement the store refused is
 * kept in memory, and no further reply is sent before it is written. Thread-safe.
 */
public final class ReplyAgent {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyAgent.class);

  /** How far back the first look at a mailbox reaches. */
  public static final Duration FIRST_LOOK_BACK = Duration.ofDays(1);

  /**
   * Each look reaches this far before the previous one, for messages whose received time (set by
   * Exchange) is a little behind this host's clock or that arrived while the last look ran.
   */
  public static final Duration MARGIN = Duration.ofMinutes(10);

  /** How long a claim is held before another process may take it over. */
  public static final Duration LEASE = Duration.ofMinutes(30);

  /** The window of the daily cap. */
  public static final Duration CAP_WINDOW = Duration.ofDays(1);

  /** What became of one message. */
  public record Answered(
      String messageKey, String subject, Instant received, Outcome outcome, String error) {}

  /**
   * One look at one mailbox.
   *
   * @param listed the assessment messages addressed to the mailbox that the look saw
   * @param answered what this look did with the messages it claimed
   * @param failure why the look itself failed, or null
   */
  public record LookResult(
      String domain,
      String mailbox,
      Instant at,
      int listed,
      List<Answered> answered,
      GraphFailure.Kind failure,
      String error) {
    public boolean ok() {
      return error == null && answered.stream().noneMatch(a -> a.outcome() == Outcome.FAILED);
    }

    public long replied() {
      return answered.stream().filter(a -> a.outcome() == Outcome.REPLIED).count();
    }
  }

  private record PendingSettle(
      String mailbox, String key, String domain, Outcome outcome, Instant at, String error) {}

  private final Config config;
  private final MailboxMessages graph;
  private final ReplyStore store;
  private final Clock clock;
  private final BooleanSupplier stopping;
  private final Deque<PendingSettle> pending = new ArrayDeque<>();

  public ReplyAgent(
      Config config,
      MailboxMessages graph,
      ReplyStore store,
      Clock clock,
      BooleanSupplier stopping) {
    this.config = config;
    this.graph = graph;
    this.store = store;
    this.clock = clock;
    this.stopping = stopping;
  }

  /** Looks at every mailbox, at most {@link GraphCalls#MAX_IN_FLIGHT} at once; one result each. */
  public List<LookResult> lookAll(List<DomainSettings> domains) {
    return Batch.threads("reply")
        .map(
            domains,
            GraphCalls.MAX_IN_FLIGHT,
            this::look,
            (d, e) ->
                new LookResult(
                    d.name(),
                    d.mailbox(),
                    clock.instant(),
                    0,
                    List.of(),
                    GraphFailure.Kind.TEMPORARY,
                    e instanceof InterruptedException
                        ? "stopped before it finished"
                        : "internal error: " + e.getClass().getSimpleName()));
  }

  /** Writes the settlements the store refused earlier, in order; throws at the first refused. */
  public void flush() throws StoreException {
    synchronized (pending) {
      while (!pending.isEmpty()) {
        PendingSettle p = pending.peekFirst();
        store.settle(p.mailbox(), p.key(), p.domain(), p.outcome(), p.at(), p.error());
        pending.removeFirst();
      }
    }
  }

  /** One look at one domain's mailbox. */
  public LookResult look(DomainSettings d) {
    String mailbox = d.mailbox();
    Instant started = clock.instant();
    List<Answered> answered = new ArrayList<>();
    Optional<ReplyStore.MailboxState> state;
    try {
      flush();
      state = store.mailbox(mailbox);
    } catch (StoreException e) {
      return storeFailed(d, started, 0, answered, e);
    }
    Instant since =
        state
            .map(ReplyStore.MailboxState::watermark)
            // A watermark ahead of the clock was left by a clock since stepped back: start
            // from now instead, or messages would wait until the clock caught up.
            .map(w -> (w.isAfter(started) ? started : w).minus(MARGIN))
            .orElse(started.minus(FIRST_LOOK_BACK));
    MailboxMessages.Listing listing;
    try {
      listing = graph.list(mailbox, config.assessmentAddress(), since);
    } catch (GraphFailure f) {
      return lookFailed(d, started, 0, answered, f.kind(), f.getMessage(), null);
    }
    List<MailboxMessages.Incoming> mine =
        listing.messages().stream()
            .filter(m -> config.assessmentAddress().equalsIgnoreCase(m.from()))
            .filter(m -> m.addressedTo(mailbox))
            .sorted(
                Comparator.comparing(
                    MailboxMessages.Incoming::received,
                    Comparator.nullsLast(Comparator.naturalOrder())))
            .toList();
    if (listing.truncated()) {
      LOG.warn(
          "{}: more than {} messages from {} since {}; the rest wait for the next look",
          mailbox,
          MailboxMessages.PAGE * MailboxMessages.MAX_PAGES,
          config.assessmentAddress(),
          since);
    }
    // The next look starts where this one did, unless a reply must be tried again: then from
    // that message (at most FIRST_LOOK_BACK ago), so it is listed again.
    Instant watermark = started;
    if (listing.truncated() && !listing.messages().isEmpty()) {
      // The listing is oldest first: the next look starts at the last message this one saw.
      watermark =
          earlier(
              watermark, listing.messages().get(listing.messages().size() - 1).received(), started);
    }
    int sentToday;
    try {
      sentToday = store.repliesSince(mailbox, started.minus(CAP_WINDOW));
    } catch (StoreException e) {
      return storeFailed(d, started, mine.size(), answered, e);
    }
    String text = config.rule().replyTextFor(d.name());
    for (MailboxMessages.Incoming m : mine) {
      if (stopping.getAsBoolean()) {
        watermark = earlier(watermark, m.received(), started);
        break;
      }
      Instant now = clock.instant();
      ReplyStore.Claim claim;
      try {
        flush();
        claim = store.claim(mailbox, m.key(), d.name(), m.id(), m.received(), now, LEASE);
      } catch (StoreException e) {
        return storeFailed(d, started, mine.size(), answered, e);
      }
      if (claim != ReplyStore.Claim.CLAIMED) {
        if (claim == ReplyStore.Claim.HELD) {
          watermark = earlier(watermark, m.received(), started);
        }
        continue;
      }
      if (sentToday >= config.rule().maxRepliesPerDay()) {
        String why =
            "not answered: "
                + mailbox
                + " has sent "
                + config.rule().maxRepliesPerDay()
                + " replies in 24 hours (rule.max-replies-per-day)";
        LOG.warn("{}: {} {}", d.name(), m.key(), why);
        settle(mailbox, m.key(), d.name(), Outcome.CAPPED, now, why);
        answered.add(new Answered(m.key(), m.subject(), m.received(), Outcome.CAPPED, why));
        continue;
      }
      try {
        graph.reply(mailbox, m.id(), config.assessmentAddress(), text);
      } catch (GraphFailure f) {
        boolean gone = f.kind() == GraphFailure.Kind.PERMANENT;
        Instant at = clock.instant();
        if (gone) {
          settle(mailbox, m.key(), d.name(), Outcome.FAILED, at, f.getMessage());
          answered.add(
              new Answered(m.key(), m.subject(), m.received(), Outcome.FAILED, f.getMessage()));
          LOG.error("{}: reply to {} failed for good: {}", d.name(), m.key(), f.getMessage());
          continue;
        }
        try {
          store.release(mailbox, m.key(), d.name(), at, f.getMessage());
        } catch (StoreException e) {
          LOG.error("{}: {}", d.name(), e.getMessage());
        }
        watermark = earlier(watermark, m.received(), started);
        // Throttled, unreachable or not permitted: the mailbox's other messages would fare the
        // same; they are tried at the next look.
        return lookFailed(d, started, mine.size(), answered, f.kind(), f.getMessage(), watermark);
      }
      sentToday++;
      Instant at = clock.instant();
      settle(mailbox, m.key(), d.name(), Outcome.REPLIED, at, null);
      answered.add(new Answered(m.key(), m.subject(), m.received(), Outcome.REPLIED, null));
      LOG.info("{}: replied from {} to {} ({})", d.name(), mailbox, m.key(), m.subject());
    }
    try {
      store.recordLook(mailbox, d.name(), clock.instant(), null, watermark);
    } catch (StoreException e) {
      return storeFailed(d, started, mine.size(), answered, e);
    }
    return new LookResult(d.name(), mailbox, started, mine.size(), answered, null, null);
  }

  /** The earlier of the watermark and a message's time, never before the first look's reach. */
  private static Instant earlier(Instant watermark, Instant received, Instant started) {
    if (received == null) {
      return watermark;
    }
    Instant floor = started.minus(FIRST_LOOK_BACK);
    Instant t = received.isBefore(floor) ? floor : received;
    return t.isBefore(watermark) ? t : watermark;
  }

  private void settle(
      String mailbox, String key, String domain, Outcome outcome, Instant at, String error) {
    synchronized (pending) {
      pending.addLast(new PendingSettle(mailbox, key, domain, outcome, at, error));
      try {
        flush();
      } catch (StoreException e) {
        LOG.error(
            "{}: {}; the reply to {} is kept in memory and written when the store can be; no"
                + " other reply is sent before",
            domain,
            e.getMessage(),
            key);
      }
    }
  }

  private LookResult lookFailed(
      DomainSettings d,
      Instant started,
      int listed,
      List<Answered> answered,
      GraphFailure.Kind kind,
      String error,
      Instant watermark) {
    LOG.error("{}: look at {} failed: {}", d.name(), d.mailbox(), error);
    try {
      store.recordLook(d.mailbox(), d.name(), clock.instant(), error, watermark);
    } catch (StoreException e) {
      LOG.error("{}: {}", d.name(), e.getMessage());
    }
    return new LookResult(d.name(), d.mailbox(), started, listed, answered, kind, error);
  }

  private LookResult storeFailed(
      DomainSettings d, Instant started, int listed, List<Answered> answered, StoreException e) {
    LOG.error("{}: look at {} stopped: {}", d.name(), d.mailbox(), e.getMessage());
    return new LookResult(
        d.name(),
        d.mailbox(),
        started,
        listed,
        answered,
        GraphFailure.Kind.TEMPORARY,
        e.getMessage() + "; nothing more is answered until it can be written");
  }
}
