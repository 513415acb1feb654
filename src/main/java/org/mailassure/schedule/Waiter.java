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

  /** Ends the current wait (and the next one, if none is under way). */
  void wake();

  /**
   * The real waiter: {@link Condition#awaitUntil} on the wall-clock deadline. HotSpot parks an
   * absolute deadline on a CLOCK_REALTIME condition variable, so a stepped clock or a suspend still
   * wakes it at the slot, without waking in between to look at the time.
   */
  static Waiter system(Clock clock) {
    return new Waiter() {
      private final ReentrantLock lock = new ReentrantLock();
      private final Condition woken = lock.newCondition();
      private boolean pending;

      @Override
      public void awaitUntil(Instant deadline) throws InterruptedException {
        lock.lock();
        try {
          while (!pending) {
            if (!clock.instant().isBefore(deadline)) {
              return;
            }
            woken.awaitUntil(java.util.Date.from(deadline));
          }
          pending = false;
        } finally {
          lock.unlock();
        }
      }

      @Override
      public void wake() {
        lock.lock();
        try {
          pending = true;
          woken.signalAll();
        } finally {
          lock.unlock();
        }
      }
    };
  }
}
