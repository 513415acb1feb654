package org.mailassure.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.mailassure.testing.MutableClock;

/**
 * A waiter that never waits: it moves the clock to the deadline. When the clock reaches the end of
 * the simulation it stops the daemon. A hook can run on the n-th wait (to bring a relay back).
 */
final class SimulatedWaiter implements Waiter {
  private final MutableClock clock;
  private final Instant end;
  private final List<Instant> waits = new ArrayList<>();
  private Daemon daemon;
  private IntConsumer onWait = n -> {};

  SimulatedWaiter(MutableClock clock, Instant end) {
    this.clock = clock;
    this.end = end;
  }

  void attach(Daemon daemon) {
    this.daemon = daemon;
  }

  void onWait(IntConsumer hook) {
    this.onWait = hook;
  }

  List<Instant> waits() {
    return waits;
  }

  @Override
  public synchronized void awaitUntil(Instant deadline) {
    waits.add(deadline);
    onWait.accept(waits.size());
    if (!deadline.isBefore(end)) {
      clock.set(end);
      daemon.stop();
      return;
    }
    if (deadline.isAfter(clock.instant())) {
      clock.set(deadline);
    }
  }

  @Override
  public void wake() {
    // nothing waits for real here
  }
}
