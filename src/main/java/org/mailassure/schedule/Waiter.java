package org.mailassure.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How the daemon lets time pass: until an instant, or until woken by a signal. The real one blocks
 * on a condition until an absolute wall-clock deadline (no polling); tests use one that moves an
 * injected clock instead.
 */
public interface Waiter {
  /** Returns at {@code deadline}, or earlier when {@link #wake()} is called. */
  void awaitUntil(Instant deadline) throws InterruptedException;

  /**
   * Ends every wait under way at once (a stop request must reach every sending thread waiting out a
   * back-off, not only the first); when none is under way, ends the next one instead.
   */
  void wake();

  /**
   * The real waiter: {@link Condition#awaitUntil} on the wall-clock deadline. HotSpot parks an
   * absolute deadline on a CLOCK_REALTIME condition variable, so a stepped clock or a suspend still
   * wakes it at the slot, without waking in between to look at the time. Each wake starts a new
   * generation: every waiter that began in an older one returns.
   */
  static Waiter system(Clock clock) {
    return new Waiter() {
      private final ReentrantLock lock = new ReentrantLock();
      private final Condition woken = lock.newCondition();
      private long generation;
      private int waiting;
      private boolean pending;

      @Override
      public void awaitUntil(Instant deadline) throws InterruptedException {
        lock.lock();
        try {
          if (pending) {
            pending = false;
            return;
          }
          long started = generation;
          waiting++;
          try {
            while (generation == started && clock.instant().isBefore(deadline)) {
              woken.awaitUntil(java.util.Date.from(deadline));
            }
          } finally {
            waiting--;
          }
        } finally {
          lock.unlock();
        }
      }

      @Override
      public void wake() {
        lock.lock();
        try {
          generation++;
          if (waiting == 0) {
            pending = true;
          }
          woken.signalAll();
        } finally {
          lock.unlock();
        }
      }
    };
  }
}
