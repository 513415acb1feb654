package org.mailassure.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Runs one task per item of a batch (a domain's probe, a mailbox's rules, a domain's readiness), at
 * most a given number at once, and returns one result per item in the items' order. A task that
 * throws, or that an interrupt leaves unfinished, does not abort the batch: its item gets the
 * result {@code onFailure} makes of the failure, and the others go on, as google-java-format
 * confines a failure to its file. The pool comes from outside (tests hand in their own), and is
 * shut down when the batch ends. Thread-safe; one instance can run many batches.
 */
public final class Batch {
  private final IntFunction<ExecutorService> pools;

  /**
   * @param pools makes the pool for one batch of the given parallelism
   */
  public Batch(IntFunction<ExecutorService> pools) {
    this.pools = pools;
  }

  /** Daemon threads with the given name, a fixed pool per batch. */
  public static Batch threads(String name) {
    return new Batch(
        n ->
            Executors.newFixedThreadPool(
                n,
                r -> {
                  Thread t = new Thread(r, name);
                  t.setDaemon(true);
                  return t;
                }));
  }

  /**
   * The task's result for every item, in order.
   *
   * @param parallelism the most items worked on at once (at least 1)
   * @param onFailure the result for an item whose task threw, or was interrupted
   */
  public <I, R> List<R> map(
      List<I> items, int parallelism, Function<I, R> task, BiFunction<I, Throwable, R> onFailure) {
    if (items.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = pools.apply(Math.max(1, Math.min(parallelism, items.size())));
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (I item : items) {
        futures.add(pool.submit(() -> task.apply(item)));
      }
      List<R> results = new ArrayList<>();
      boolean interrupted = false;
      for (int i = 0; i < futures.size(); i++) {
        I item = items.get(i);
        if (interrupted) {
          futures.get(i).cancel(true);
          results.add(
              onFailure.apply(item, new InterruptedException("stopped before it finished")));
          continue;
        }
        try {
          results.add(futures.get(i).get());
        } catch (InterruptedException e) {
          interrupted = true;
          futures.get(i).cancel(true);
          results.add(onFailure.apply(item, e));
        } catch (ExecutionException e) {
          results.add(onFailure.apply(item, e.getCause()));
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
