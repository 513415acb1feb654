package org.mailassure.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real waiter: one wake reaches every thread waiting, and one arriving early is kept. */
class WaiterTest {
  private final Waiter waiter = Waiter.system(Clock.systemUTC());

  @Test
  void oneWakeEndsEveryWaitUnderWayNotOnlyTheFirst() throws Exception {
    Instant halfAnHourAway = Instant.now().plus(Duration.ofMinutes(30));
    int threads = 4;
    CountDownLatch done = new CountDownLatch(threads);
    List<Thread> waiting = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  waiter.awaitUntil(halfAnHourAway);
                  done.countDown();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      t.start();
      waiting.add(t);
    }
    // Wait (bounded) until all four are parked in the waiter, so the wake finds them waiting.
    for (Thread t : waiting) {
      while (t.getState() != Thread.State.TIMED_WAITING && t.isAlive()) {
        Thread.onSpinWait();
      }
    }

    waiter.wake();

    assertThat(done.await(5, TimeUnit.SECONDS)).as("every waiter returned").isTrue();
  }

  @Test
  void aWakeWithNobodyWaitingEndsTheNextWait() throws Exception {
    waiter.wake();
    CountDownLatch done = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              try {
                waiter.awaitUntil(Instant.now().plus(Duration.ofMinutes(30)));
                done.countDown();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t.start();

    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
  }
}
