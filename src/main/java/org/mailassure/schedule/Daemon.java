package org.mailassure.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailassure.boot.ApplicationClassLoader;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.JournalState;
import org.mailassure.journal.Metrics;
import org.mailassure.journal.Outcome;
import org.mailassure.probe.Ledger;
import org.mailassure.probe.ProbeMessage;
import org.mailassure.probe.ProbeSender;
import org.mailassure.probe.Sleeper;
import org.mailassure.probe.transport.ProbeTransport;
import org.mailassure.state.StateStore;
import org.mailassure.state.StoreException;
import org.mailassure.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon of {@code mailassure run}: sends each domain's probe once per scheduled slot.
 *
 * <p>At start and at every slot, for each domain: a slot already settled in the state store (sent,
 * failed for good, or missed) is left alone; the latest slot, if not settled and no older than
 * {@code probe.catch-up} (or {@link #ON_TIME} for an on-time slot), is sent now, once, however many
 * slots were missed, as systemd's {@code Persistent=} and Quartz's fire-once-now do; older
 * unsettled slots are recorded as {@code missed} (a domain with no history yet starts at its next
 * slot instead: nothing was missed before mailassure ran). Temporary failures are retried with
 * backoff inside the slot, never past {@link #RETRY_MARGIN} before the next one. Between slots it
 * sleeps until the next slot or a signal, nothing in between. Metrics are written after every slot.
 *
 * <p>Each attempt is preceded by a claim on its (domain, slot) in the store, so daemons sharing a
 * PostgreSQL store send each slot once: whoever claims first sends, and a claim whose holder stops
 * renewing it is taken over when its lease ends. Nothing is sent that cannot be recorded: when the
 * store cannot be written (a full disk, a lost server) the records not yet written are kept in
 * memory, sending stops, and the daemon tries again with backoff, then writes them and goes on. A
 * settled slot in the future (left by a clock stepped back) never stands for a due slot.
 */
public final class Daemon {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** A slot this recent is on time, even with {@code catch-up: 0}. */
  public static final Duration ON_TIME = Duration.ofMinutes(1);

  /** No retry is started later than this before the next slot. */
  public static final Duration RETRY_MARGIN = Duration.ofMinutes(1);

  /** The wait when the schedule has no next slot within a year (a cron such as "0 0 30 2 *"). */
  public static final Duration NO_SLOT_WAIT = Duration.ofDays(1);

  /** The first and the longest wait before trying a store that failed again. */
  public static final Duration STORE_RETRY_FIRST = Duration.ofSeconds(5);

  public static final Duration STORE_RETRY_MAX = Duration.ofMinutes(5);

  /** How often old rows are pruned. */
  static final Duration PRUNE_EVERY = Duration.ofDays(1);

  private static final int MAX_MISSED_LINES = 1000;

  /** Makes the transport for one slot's batch; it is closed when the batch ends. */
  @FunctionalInterface
  public interface TransportFactory {
    ProbeTransport create(Config config) throws Exception;
  }

  /**
   * Makes the reply agent for a config and store; {@code sleeper} is how it waits out Graph's
   * throttling (ended by a stop).
   */
  @FunctionalInterface
  public interface ReplierFactory {
    org.mailassure.reply.ReplyAgent create(
        Config config,
        org.mailassure.state.ReplyStore store,
        java.util.function.BooleanSupplier stopping,
        Sleeper sleeper)
        throws Exception;
  }

  /** Opens the state store (and brings it up to date). */
  @FunctionalInterface
  public interface StoreOpener {
    StateStore open(Config config) throws StoreException;
  }

  private final Clock clock;
  private final Waiter waiter;
  private final TransportFactory transports;
  private final Callable<Config> reloader;
  private final String version;
  private volatile Config config;
  private volatile Schedule schedule;
  private volatile boolean stopping;
  private volatile boolean reloadRequested;
  private StoreOpener opener;
  private StateStore store;
  private final StoreLedger ledger = new StoreLedger();
  private JournalState lastSummary = JournalState.empty();
  private boolean storeUp = true;
  private Duration storeRetry = STORE_RETRY_FIRST;
  private Instant lastPrune;
  private final java.util.Set<String> reportedFuture = new java.util.HashSet<>();
  private java.util.Set<String> only = java.util.Set.of();
  private ReplierFactory repliers;
  private org.mailassure.reply.ReplyAgent agent;
  private Config agentConfig;
  private volatile Instant nextLook;

  /** Held by whichever thread is looking: the loop, or a sending thread waiting out a back-off. */
  private final java.util.concurrent.locks.ReentrantLock looking =
      new java.util.concurrent.locks.ReentrantLock();

  /**
   * @param reloader loads the config again on SIGHUP; a failure keeps the running config
   */
  public Daemon(
      Config config,
      Clock clock,
      Waiter waiter,
      TransportFactory transports,
      Callable<Config> reloader,
      String version) {
    this.config = config;
    this.schedule = new Schedule(config.probe().schedule(), config.probe().timeZone());
    this.clock = clock;
    this.waiter = waiter;
    this.transports = transports;
    this.reloader = reloader;
    this.version = version;
    this.opener = c -> Stores.open(c, clock.instant(), true);
  }

  /** Limits the daemon to these domains (from {@code --domain}); empty means every domain. */
  public Daemon only(java.util.Set<String> domains) {
    this.only = java.util.Set.copyOf(domains);
    return this;
  }

  /**
   * Answers the assessment service in reply mode with agents from {@code factory}; without one the
   * daemon only sends probes.
   */
  public Daemon repliers(ReplierFactory factory) {
    this.repliers = factory;
    return this;
  }

  /** The reply-mode mailboxes this daemon looks at, within {@link #only}. */
  private List<DomainSettings> replying() {
    if (repliers == null) {
      return List.of();
    }
    return config.replying().stream()
        .filter(d -> only.isEmpty() || only.contains(d.name()))
        .toList();
  }

  /** Opens the state store with {@code opener} instead of from the config. */
  public Daemon storeOpener(StoreOpener opener) {
    this.opener = opener;
    return this;
  }

  /** The domains this daemon probes: those with {@code probe: true}, within {@link #only}. */
  private List<DomainSettings> probing() {
    return config.domains().stream()
        .filter(DomainSettings::probe)
        .filter(d -> only.isEmpty() || only.contains(d.name()))
        .toList();
  }

  /** Asks the daemon to finish the send in flight and return. Safe from any thread. */
  public void stop() {
    stopping = true;
    waiter.wake();
  }

  /** Asks the daemon to load its config again before the next slot. Safe from any thread. */
  public void reload() {
    reloadRequested = true;
    waiter.wake();
  }

  /** Runs until {@link #stop()}. */
  public void run() {
    try {
      while (!stopping) {
        if (reloadRequested) {
          reloadConfig();
        }
        Instant now = clock.instant();
        Optional<Instant> next = schedule.next(now);
        Instant wakeAt;
        try {
          if (store == null) {
            store = opener.open(config);
            LOG.info("state store: {}", store.description());
          }
          ledger.flush();
          ledger.heldUntil = null;
          boolean sent = runDue();
          ledger.flush();
          looking.lock();
          try {
            sent |= lookIfDue();
          } finally {
            looking.unlock();
          }
          // After the due slot, so a first prune of a long history never delays a probe.
          pruneIfDue(clock.instant());
          lastSummary = store.summary(clock.instant());
          reportFuture();
          storeBack();
          // Idle until the next slot or look: the library jars are closed (their directories,
          // 1.6 MiB of heap for the Graph daemon's, are opened again by the next class that needs
          // one).
          if (Daemon.class.getClassLoader() instanceof ApplicationClassLoader libraries) {
            libraries.release();
          }
          if (sent) {
            // A slot's TLS sessions, signatures and messages are garbage now, and the daemon is
            // idle until the next slot: collect them, so the serial collector shrinks the heap and
            // gives the memory back (with the unit's -XX:MaxHeapFreeRatio) instead of holding it.
            System.gc();
          }
          now = clock.instant();
          next = schedule.next(now);
          wakeAt = next.orElse(now.plus(NO_SLOT_WAIT));
          if (nextLook != null && nextLook.isBefore(wakeAt)) {
            wakeAt = nextLook;
          }
          if (ledger.heldUntil != null && ledger.heldUntil.isBefore(wakeAt)) {
            // Another host holds a due slot: look again when its lease ends, in case it died.
            wakeAt = ledger.heldUntil.plusSeconds(1);
          }
        } catch (StoreException e) {
          wakeAt = storeDown(e);
        }
        writeMetrics(next.orElse(null));
        if (stopping) {
          break;
        }
        if (store != null) {
          store.release();
        }
        LOG.debug("next look at {}; sleeping until then or a signal", wakeAt);
        try {
          waiter.awaitUntil(wakeAt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    } finally {
      if (!ledger.pending.isEmpty()) {
        LOG.error(
            "stopping with {} the state store never took: {}",
            org.mailassure.text.Words.count(ledger.pending.size(), "record"),
            ledger.pending.stream()
                .map(e -> e.domain() + " " + e.slot() + " " + e.outcome().journalName())
                .toList());
      }
      if (store != null) {
        store.close();
      }
    }
    LOG.info("stopped");
  }

  /** A look from a sending thread waiting out a back-off, unless another thread is looking. */
  private void lookDuringSlot() {
    Instant next = nextLook;
    if ((next != null && clock.instant().isBefore(next)) || !looking.tryLock()) {
      return;
    }
    try {
      lookIfDue();
    } catch (StoreException e) {
      LOG.error("replies: {}", e.getMessage());
    } finally {
      looking.unlock();
    }
  }

  /**
   * Looks at every reply-mode mailbox when a look is due (at start, then every {@code rule.poll}).
   *
   * @return whether a look ran
   */
  private boolean lookIfDue() throws StoreException {
    List<DomainSettings> mailboxes = replying();
    if (mailboxes.isEmpty()) {
      nextLook = null;
      return false;
    }
    Instant now = clock.instant();
    if (nextLook != null && now.isBefore(nextLook)) {
      if (Duration.between(now, nextLook).compareTo(config.rule().poll()) <= 0) {
        return false;
      }
      // The clock was stepped back by more than a poll interval: look now.
    }
    if (stopping) {
      return false;
    }
    org.mailassure.state.ReplyStore replies = new org.mailassure.state.ReplyStore(store);
    if (agent == null || agentConfig != config) {
      if (agent != null) {
        // The old agent's settlements the store has not taken yet go first, or their messages
        // would look unanswered to the new one.
        agent.flush();
      }
      try {
        agent =
            repliers.create(
                config,
                replies,
                () -> stopping,
                d -> {
                  waiter.awaitUntil(clock.instant().plus(d));
                  if (stopping) {
                    throw new InterruptedException("stopping");
                  }
                });
        agentConfig = config;
      } catch (Exception e) {
        // No credential or no Graph libraries: every mailbox's look fails, and says why.
        LOG.error("replies: could not start looking at the mailboxes: {}", e.getMessage());
        for (DomainSettings d : mailboxes) {
          replies.recordLook(d.mailbox(), d.name(), now, e.getMessage(), null);
        }
        nextLook = now.plus(config.rule().poll());
        return true;
      }
    }
    agent.flush();
    List<org.mailassure.reply.ReplyAgent.LookResult> results = agent.lookAll(mailboxes);
    agent.flush();
    long replied =
        results.stream().mapToLong(org.mailassure.reply.ReplyAgent.LookResult::replied).sum();
    long failed = results.stream().filter(r -> !r.ok()).count();
    if (replied > 0 || failed > 0) {
      LOG.info(
          "replies: {} sent from {}{}",
          replied,
          org.mailassure.text.Words.count(mailboxes.size(), "mailbox", "mailboxes"),
          failed == 0 ? "" : "; " + failed + " failed (above)");
    }
    nextLook = clock.instant().plus(config.rule().poll());
    return true;
  }

  /** Logs a failure of the store, and says when it is tried again (5 s, doubling to 5 min). */
  private Instant storeDown(StoreException e) {
    Instant retryAt = clock.instant().plus(storeRetry);
    LOG.error(
        "{}; nothing is sent until it can be written{}; trying again in {}",
        e.getMessage() + e.fix().map(f -> " (" + f + ")").orElse(""),
        ledger.pending.isEmpty()
            ? ""
            : " (" + org.mailassure.text.Words.count(ledger.pending.size(), "record") + " waiting)",
        org.mailassure.graph.GraphErrors.words(storeRetry));
    storeUp = false;
    storeRetry = storeRetry.multipliedBy(2);
    if (storeRetry.compareTo(STORE_RETRY_MAX) > 0) {
      storeRetry = STORE_RETRY_MAX;
    }
    return retryAt;
  }

  private void storeBack() {
    if (!storeUp) {
      LOG.info("the state store {} can be written again; sending resumes", store.description());
    }
    storeUp = true;
    storeRetry = STORE_RETRY_FIRST;
  }

  private void reportFuture() {
    for (DomainSettings d : probing()) {
      lastSummary
          .get(d.name())
          .map(JournalState.DomainState::futureSlot)
          .filter(t -> reportedFuture.add(d.name()))
          .ifPresent(
              t ->
                  LOG.warn(
                      "{}: the state store has a slot in the future ({}), left by a clock that was"
                          + " stepped back; it stands for no due slot, and status and check report"
                          + " it until the clock passes it",
                      d.name(),
                      t));
    }
  }

  private void pruneIfDue(Instant now) throws StoreException {
    if (lastPrune != null && Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) < 0) {
      return;
    }
    Duration retention = config.state().retention();
    long n = store.prune(now.minus(retention), now);
    n += new org.mailassure.state.ReplyStore(store).prune(now.minus(retention));
    lastPrune = now;
    if (n > 0) {
      LOG.info(
          "pruned {} older than {} (state.retention)",
          org.mailassure.text.Words.count(n, "record"),
          retention.toDays() + "d");
    }
  }

  private void reloadConfig() {
    reloadRequested = false;
    try {
      Config fresh = reloader.call();
      if (!fresh.stateDir().equals(config.stateDir())
          || !java.util.Objects.equals(fresh.state().jdbcUrl(), config.state().jdbcUrl())) {
        LOG.error(
            "reload: state-dir and state.url cannot change while running (the lock and the store"
                + " live there); keeping the running config. Restart to move them.");
        return;
      }
      config = fresh;
      schedule = new Schedule(fresh.probe().schedule(), fresh.probe().timeZone());
      LOG.info(
          "reload: config loaded again from {}, {}",
          fresh.source(),
          org.mailassure.text.Words.count(fresh.domains().size(), "domain"));
    } catch (Exception e) {
      LOG.error(
          "reload: the new config is not valid; keeping the running one:\n{}", e.getMessage());
    }
  }

  /**
   * Settles the latest slot for every domain: sends what is due, records what was missed.
   *
   * @return whether probes were sent (or tried)
   */
  boolean runDue() throws StoreException {
    Instant now = clock.instant();
    Optional<Instant> latestSlot = schedule.latest(now);
    if (latestSlot.isEmpty()) {
      return false;
    }
    Instant latest = latestSlot.get();
    Duration window =
        config.probe().catchUp().compareTo(ON_TIME) > 0 ? config.probe().catchUp() : ON_TIME;
    boolean inWindow = Duration.between(latest, now).compareTo(window) <= 0;
    Instant deadline = schedule.next(latest).map(n -> n.minus(RETRY_MARGIN)).orElse(null);
    boolean beforeDeadline = deadline == null || now.isBefore(deadline);
    List<DomainSettings> due = new ArrayList<>();
    for (DomainSettings d : probing()) {
      Optional<Instant> last = store.lastSettledSlot(d.name(), now);
      if (last.isPresent() && !latest.isAfter(last.get())) {
        continue;
      }
      recordMissedBefore(d, last, latest, now);
      if (inWindow) {
        due.add(d);
        continue;
      }
      Optional<StateStore.ClaimRow> claim = store.claimOf(d.name(), latest);
      if (claim.isPresent() && !claim.get().settled() && beforeDeadline) {
        // Claimed in time by a process that may have died: it is still this slot's to finish.
        due.add(d);
      } else if (last.isPresent()) {
        missed(
            d,
            latest,
            now,
            "mailassure was not running at this slot and it is older than catch-up ("
                + org.mailassure.graph.GraphErrors.words(config.probe().catchUp())
                + ")");
      } else {
        LOG.info(
            "{}: first run; the slot {} is older than catch-up, so the first probe goes at the"
                + " next slot",
            d.name(),
            latest);
      }
    }
    if (due.isEmpty() || stopping) {
      return false;
    }
    LOG.info(
        "slot {}: {} due",
        latest.atZone(config.probe().timeZone()).toOffsetDateTime(),
        org.mailassure.text.Words.count(due.size(), "probe"));
    ledger.lease = config.probe().retry().maxBackoff().plus(Duration.ofMinutes(10));
    try (ProbeTransport transport = transports.create(config)) {
      // A back-off lets the mailboxes' looks go on: a relay that keeps a slot retrying for an
      // hour does not keep the assessment service waiting for its replies.
      Sleeper sleeper =
          d -> {
            Instant until = clock.instant().plus(d);
            while (true) {
              lookDuringSlot();
              if (stopping) {
                throw new InterruptedException("stopping");
              }
              Instant at = clock.instant();
              if (!at.isBefore(until)) {
                return;
              }
              Instant look = nextLook;
              waiter.awaitUntil(
                  look != null && look.isAfter(at) && look.isBefore(until) ? look : until);
              if (stopping) {
                throw new InterruptedException("stopping");
              }
            }
          };
      new ProbeSender(config, transport, ledger, clock, sleeper, version)
          .sendAll(due, latest, "schedule", deadline);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // The transport could not be made (no credential): every due domain fails this slot.
      for (DomainSettings d : due) {
        if (ledger.mayAttempt(d.name(), latest).isEmpty()) {
          ledger.record(
              new JournalEntry(
                  latest.atZone(config.probe().timeZone()).toOffsetDateTime(),
                  d.name(),
                  clock.instant(),
                  ProbeMessage.messageId(d.name(), latest),
                  Outcome.FAILED,
                  1,
                  config.probe().transport().configName(),
                  "schedule",
                  null,
                  null,
                  null,
                  e.getMessage()));
        }
      }
      LOG.error("slot {}: could not start sending: {}", latest, e.getMessage());
    }
    return true;
  }

  /** Records as missed the slots between the domain's last settled slot and {@code latest}. */
  private void recordMissedBefore(
      DomainSettings d, Optional<Instant> last, Instant latest, Instant now) throws StoreException {
    if (last.isEmpty()) {
      return;
    }
    Instant t = last.get();
    for (int i = 0; i < MAX_MISSED_LINES; i++) {
      Optional<Instant> n = schedule.next(t);
      if (n.isEmpty() || !n.get().isBefore(latest)) {
        return;
      }
      t = n.get();
      missed(
          d,
          t,
          now,
          "mailassure was not running at this slot; only the latest missed slot is caught up");
    }
  }

  private void missed(DomainSettings d, Instant slot, Instant now, String why)
      throws StoreException {
    store.recordMissed(
        new JournalEntry(
            slot.atZone(config.probe().timeZone()).toOffsetDateTime(),
            d.name(),
            now,
            ProbeMessage.messageId(d.name(), slot),
            Outcome.MISSED,
            0,
            config.probe().transport().configName(),
            "schedule",
            null,
            null,
            null,
            why),
        now);
  }

  private void writeMetrics(Instant next) {
    try {
      Metrics.write(
          config.stateDir(),
          lastSummary,
          probing().stream().map(DomainSettings::name).toList(),
          next,
          storeUp,
          mailboxMetrics());
    } catch (java.io.IOException e) {
      LOG.error("cannot write metrics to {}: {}", config.stateDir(), e.getMessage());
    }
  }

  /** The reply-mode mailboxes for the metrics, from the store's summary rows. */
  private List<Metrics.Mailbox> mailboxMetrics() {
    List<DomainSettings> mailboxes = replying();
    if (mailboxes.isEmpty() || store == null || !storeUp) {
      return List.of();
    }
    try {
      var rows = new org.mailassure.state.ReplyStore(store).mailboxes();
      return mailboxes.stream()
          .map(
              d -> {
                var row = rows.get(d.mailbox().toLowerCase(java.util.Locale.ROOT));
                return new Metrics.Mailbox(
                    d.name(),
                    d.mailbox(),
                    row == null ? null : row.lookedOkAt(),
                    row == null ? null : row.repliedOkAt(),
                    row == null ? 0 : row.failures());
              })
          .toList();
    } catch (StoreException e) {
      return List.of();
    }
  }

  /**
   * The daemon's ledger: claims before each attempt, and keeps in memory, in order, the records the
   * store could not take, so they are written once it can and nothing more is sent before.
   */
  private final class StoreLedger implements Ledger {
    final Deque<JournalEntry> pending = new ArrayDeque<>();
    volatile Duration lease = Duration.ofMinutes(40);
    volatile Instant heldUntil;

    @Override
    public Optional<String> mayAttempt(String domain, Instant slot) {
      synchronized (pending) {
        if (!pending.isEmpty()) {
          return Optional.of("the state store has records not yet written; sending waits for it");
        }
      }
      try {
        StateStore.Claim c = store.claim(domain, slot, clock.instant(), lease);
        return switch (c.outcome()) {
          case CLAIMED -> Optional.empty();
          case SETTLED -> Optional.of("another host settled this slot");
          case HELD -> {
            synchronized (pending) {
              if (heldUntil == null || c.leaseUntil().isBefore(heldUntil)) {
                heldUntil = c.leaseUntil();
              }
            }
            yield Optional.of(c.holder() + " holds this slot until " + c.leaseUntil());
          }
        };
      } catch (StoreException e) {
        return Optional.of(e.getMessage());
      }
    }

    @Override
    public void record(JournalEntry entry) throws StoreException {
      synchronized (pending) {
        pending.addLast(entry);
        flush();
      }
    }

    /** Writes the waiting records in order; throws at the first the store refuses. */
    void flush() throws StoreException {
      synchronized (pending) {
        while (!pending.isEmpty()) {
          store.record(pending.peekFirst());
          pending.removeFirst();
        }
      }
    }
  }
}
