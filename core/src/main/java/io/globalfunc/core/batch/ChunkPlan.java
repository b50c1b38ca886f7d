package io.globalfunc.core.batch;

import io.globalfunc.core.naming.BatchKeys;

/**
 * How many items one stream entry carries: enough entries (about 64) for every runtime of a release
 * to take part, at most {@link #MAX_ITEMS} so one entry's redo after a runtime died stays small.
 * Pure. Each runtime then spreads an entry's items over its Python workers.
 *
 * <p>The cap is one results hash ({@link BatchKeys#RESULTS_PER_KEY}): a big batch queued from a
 * hash boundary ({@link BatchProducer}) has one entry per hash, so each task's results fill one
 * hash in one step and a producer reads every hash once, complete. With entries of 256 a runtime's
 * first million tiny items cost about 40 % more JVM CPU (per-task work: the stream read, the
 * completion, their Redis round trips, and the JIT compiling them) and Redis four times the
 * commands. What a runtime reads ahead is bounded by run time, not by entries (the runtime's {@code
 * ReadAhead}), so slow items do not pile up on one runtime.
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
