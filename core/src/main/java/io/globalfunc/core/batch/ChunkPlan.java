package io.globalfunc.core.batch;

import io.globalfunc.core.naming.BatchKeys;

/**
 * How many items one stream entry carries: enough entries (about 64) for every runtime of a release
 * to take part, at most {@link #MAX_ITEMS} so one entry's redo after a runtime died stays small.
 * Pure. Each runtime then spreads an entry's items over its Python workers.
 *
 * <p>The cap is one results hash ({@link BatchKeys#RESULTS_PER_KEY}): a big batch queued from a
 * hash boundary ({@link BatchProducer}) has one entry per hash, so each task's results fill one
 * hash in one step and a producer reads every hash once, complete. Smaller entries (256 before)
 * cost a runtime about a third more CPU per item on a batch of tiny items, most of it per-task work
 * (the stream read, the completion, their Redis round trips) and its JIT compiles.
 */
public final class ChunkPlan {

  /** The most items one stream entry carries. */
  public static final int MAX_ITEMS = BatchKeys.RESULTS_PER_KEY;

  private static final int ENTRIES = 64;

  private ChunkPlan() {}

  /** Items per entry for a batch of {@code total} items. */
  public static int entrySize(int total) {
    return Math.max(1, Math.min(MAX_ITEMS, (total + ENTRIES - 1) / ENTRIES));
  }
}
