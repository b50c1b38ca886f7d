package io.globalfunc.runtime.batch;

import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many items of a function go into one worker frame: as many as run in about {@link
 * #TARGET_NANOS} ({@link #BATCH_TARGET_NANOS} for durable batches), judged from a moving average of
 * the function's recent run time per item. Tiny items share one frame by the hundred (the per-frame
 * cost dominates them); slow ones go nearly alone (so workers share the load and a crash or timeout
 * costs little). Thread-safe.
 */
final class ChunkSizer {

  /** Run time one frame aims at. */
  static final long TARGET_NANOS = 100_000_000L;

  static final int MAX_ITEMS = 256;

  /**
   * Run time one durable-batch frame aims at: each frame is a hand-off between the JVM and a Python
   * worker, and on a busy machine each hand-off waits for the scheduler, so batches (which nobody
   * waits on item by item) take fewer, longer frames; the end of a batch still shrinks them ({@link
   * #size(String, int, int, boolean)}). An interactive call waits at most this long for a worker
   * only when {@code GF_BATCH_SHARE} gives batches every worker.
   */
  static final long BATCH_TARGET_NANOS = 1_000_000_000L;

  static final int BATCH_MAX_ITEMS = 1024;

  private final ConcurrentHashMap<String, Double> nanosPerItem = new ConcurrentHashMap<>();

  /** Items per interactive frame for {@code function}; a function not seen yet starts small. */
  int size(String function) {
    return size(function, TARGET_NANOS, MAX_ITEMS);
  }

  private int size(String function, long target, int max) {
    Double perItem = nanosPerItem.get(function);
    if (perItem == null) {
      return 4;
    }
    return (int) Math.max(1, Math.min(max, target / Math.max(1.0, perItem)));
  }

  /**
   * Items for the next frame of {@code function} when {@code waiting} items wait for {@code slots}
   * frames at once: {@link #size(String)}, but no more than an even share of what waits. At the end
   * of a batch frames then shrink as the queue drains and the last items spread over every worker,
   * so all finish together instead of one running a full frame while the others idle.
   */
  int size(String function, int waiting, int slots) {
    return size(function, waiting, slots, false);
  }

  /** As {@link #size(String, int, int)}, for durable-batch frames when {@code background}. */
  int size(String function, int waiting, int slots, boolean background) {
    int own =
        background
            ? size(function, BATCH_TARGET_NANOS, BATCH_MAX_ITEMS)
            : size(function, TARGET_NANOS, MAX_ITEMS);
    int share = (int) ((waiting + (long) slots - 1) / Math.max(1, slots));
    return Math.max(1, Math.min(own, share));
  }

  /** The function's measured run time per item, empty until a frame of it was recorded. */
  OptionalDouble nanosPerItem(String function) {
    Double perItem = nanosPerItem.get(function);
    return perItem == null ? OptionalDouble.empty() : OptionalDouble.of(perItem);
  }

  /** Records that {@code items} items of {@code function} took {@code nanos} in one frame. */
  void record(String function, int items, long nanos) {
    if (items <= 0) {
      return;
    }
    double sample = (double) nanos / items;
    nanosPerItem.merge(function, sample, (old, now) -> 0.7 * old + 0.3 * now);
  }
}
