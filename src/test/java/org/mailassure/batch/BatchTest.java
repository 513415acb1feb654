package org.mailassure.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchTest {
  @Test
  void oneItemsFailureIsThatItemsResultAndTheOthersGoOnInOrder() {
    Batch batch = Batch.threads("test");

    List<String> results =
        batch.map(
            List.of(1, 2, 3, 4),
            2,
            i -> {
              if (i == 2) {
                throw new IllegalStateException("broken " + i);
              }
              return "ok " + i;
            },
            (i, e) -> "failed " + i + ": " + e.getMessage());

    assertThat(results).containsExactly("ok 1", "failed 2: broken 2", "ok 3", "ok 4");
  }

  @Test
  void noMoreThanTheParallelismRunAtOnce() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Batch batch = Batch.threads("test");

    batch.map(
        java.util.stream.IntStream.range(0, 40).boxed().toList(),
        4,
        i -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          Thread.onSpinWait();
          running.decrementAndGet();
          return i;
        },
        (i, e) -> -1);

    assertThat(most.get()).isBetween(1, 4);
  }

  @Test
  void thePoolIsTheCallersAndIsShutDownAfterTheBatch() {
    var pool = Executors.newSingleThreadExecutor();
    Batch batch = new Batch(n -> pool);

    assertThat(batch.map(List.of("a", "b"), 8, String::toUpperCase, (s, e) -> "?"))
        .containsExactly("A", "B");
    assertThat(pool.isShutdown()).isTrue();
  }
}
