package org.mailassure.schedule;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailassure.config.Config;
import org.mailassure.config.DomainSettings;
import org.mailassure.journal.Journal;
import org.mailassure.journal.JournalEntry;
import org.mailassure.journal.JournalState;
import org.mailassure.journal.Metrics;
import org.mailassure.journal.Outcome;
import org.mailassure.probe.ProbeMessage;
import org.mailassure.probe.ProbeSender;
import org.mailassure.probe.Sleeper;
import org.mailassure.probe.transport.ProbeTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon of {@code mailassure run}: sends each domain's probe once per scheduled slot.
 *
 * <p>At start and at every slot, for each domain: a slot already settled in the journal (sent,
 * failed for good, or missed) is left alone; the latest slot, if not settled and no older than
 * {@code probe.catch-up} (or {@link #ON_TIME} for an on-time slot), is sent now, once, however many
 * slots were missed, as systemd's {@code Persistent=} and Quartz's fire-once-now do; older
 * unsettled slots are recorded as {@code missed} (a domain with no history yet starts at its next
 * slot instead: nothing was missed before mailassure ran). Temporary failures are retried with
 * backoff inside the slot, never past {@link #RETRY_MARGIN} before the next one. Between slots it
 * sleeps until the next slot or a signal, nothing in between. Metrics are written after every slot.
 */
public final class Daemon {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** A slot this recent is on time, even with {@code catch-up: 0}. */
  public static final Duration ON_TIME = Duration.ofMinutes(1);

  /** No retry is started later than this before the next slot. */
  public static final Duration RETRY_MARGIN = Duration.ofMinutes(1);

  /** The wait when the schedule has no next slot within a year (a cron such as "0 0 30 2 *"). */
  public static final Duration NO_SLOT_WAIT = Duration.ofDays(1);

  private static final int MAX_MISSED_LINES = 1000;

  /** Makes the transport for one slot's batch; it is closed when the batch ends. */
  @FunctionalInterface
  public interface TransportFactory {
    ProbeTransport create(Config config) throws Exception;
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
  private JournalState state;
  private Journal journal;
  private java.util.Set<String> only = java.util.Set.of();

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
  }

  /** Limits the daemon to these domains (from {@code --domain}); empty means every domain. */
  public Daemon only(java.util.Set<String> domains) {
    this.only = java.util.Set.copyOf(domains);
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
  public void run() throws IOException {
    openJournal();
    while (!stopping) {
      if (reloadRequested) {
        reloadRequested = false;
        reloadConfig();
      }
      boolean sent = runDue();
      Instant now = clock.instant();
      Optional<Instant> next = schedule.next(now);
      writeMetrics(next.orElse(null));
      if (sent) {
        // A slot's TLS sessions, signatures and messages are garbage now, and the daemon is idle
        // until the next slot: collect them, so the serial collector shrinks the heap and gives
        // the memory back (with the unit's -XX:MaxHeapFreeRatio) instead of holding it all day.
        System.gc();
      }
      if (stopping) {
        break;
      }
      Instant until = next.orElse(now.plus(NO_SLOT_WAIT));
      LOG.debug("next slot {}; sleeping until then or a signal", until);
      try {
        waiter.awaitUntil(until);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.info("stopped");
  }

  private void openJournal() throws IOException {
    Journal reader = new Journal(config.stateDir());
    Journal.Contents contents = reader.read();
    if (contents.unreadableLines() > 0) {
      LOG.warn(
          "{}: {} unreadable line(s) skipped (a write cut short by a crash); the rest is intact",
          reader.file(),
          contents.unreadableLines());
    }
    state = JournalState.of(contents.entries());
    journal = new Journal(config.stateDir(), state::apply);
  }

  private void reloadConfig() {
    try {
      Config fresh = reloader.call();
      if (!fresh.stateDir().equals(config.stateDir())) {
        LOG.error(
            "reload: state-dir cannot change while running (lock and journal live there); "
                + "keeping the running config. Restart to move it.");
        return;
      }
      config = fresh;
      schedule = new Schedule(fresh.probe().schedule(), fresh.probe().timeZone());
      LOG.info(
          "reload: config loaded again from {}, {} domains",
          fresh.source(),
          fresh.domains().size());
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
  boolean runDue() throws IOException {
    Instant now = clock.instant();
    Optional<Instant> latestSlot = schedule.latest(now);
    if (latestSlot.isEmpty()) {
      return false;
    }
    Instant latest = latestSlot.get();
    Duration window =
        config.probe().catchUp().compareTo(ON_TIME) > 0 ? config.probe().catchUp() : ON_TIME;
    boolean inWindow = Duration.between(latest, now).compareTo(window) <= 0;
    List<DomainSettings> due = new ArrayList<>();
    for (DomainSettings d : probing()) {
      if (state.settled(d.name(), latest)) {
        continue;
      }
      boolean hasHistory =
          state.get(d.name()).map(JournalState.DomainState::lastSettledSlot).isPresent();
      recordMissedBefore(d, latest, now);
      if (inWindow) {
        due.add(d);
      } else if (hasHistory) {
        missed(
            d,
            latest,
            now,
            "mailassure was not running at this slot and it is older than catch-up ("
                + config.probe().catchUp()
                + ")");
      } else {
        LOG.info(
            "{}: first run; the slot {} is older than catch-up, so the first probe goes at the next slot",
            d.name(),
            latest);
      }
    }
    if (due.isEmpty() || stopping) {
      return false;
    }
    Instant deadline = schedule.next(latest).map(n -> n.minus(RETRY_MARGIN)).orElse(null);
    LOG.info(
        "slot {}: sending {} probe(s)",
        latest.atZone(config.probe().timeZone()).toOffsetDateTime(),
        due.size());
    try (ProbeTransport transport = transports.create(config)) {
      Sleeper sleeper =
          d -> {
            waiter.awaitUntil(clock.instant().plus(d));
            if (stopping) {
              throw new InterruptedException("stopping");
            }
          };
      new ProbeSender(config, transport, journal, clock, sleeper, version)
          .sendAll(due, latest, "schedule", deadline);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // The transport could not be made (no credential): every due domain fails this slot.
      for (DomainSettings d : due) {
        journal.append(
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
      LOG.error("slot {}: could not start sending: {}", latest, e.getMessage());
    }
    return true;
  }

  /** Records as missed the slots between the domain's last settled slot and {@code latest}. */
  private void recordMissedBefore(DomainSettings d, Instant latest, Instant now)
      throws IOException {
    Optional<Instant> last = state.get(d.name()).map(JournalState.DomainState::lastSettledSlot);
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

  private void missed(DomainSettings d, Instant slot, Instant now, String why) throws IOException {
    journal.append(
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
            why));
  }

  private void writeMetrics(Instant next) {
    try {
      Metrics.write(
          config.stateDir(), state, probing().stream().map(DomainSettings::name).toList(), next);
    } catch (IOException e) {
      LOG.error("cannot write metrics to {}: {}", config.stateDir(), e.getMessage());
    }
  }
}
