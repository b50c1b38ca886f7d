package io.globalfunc.core.batch;

/**
 * How many items one stream entry carries: enough entries (about 64) for every runtime of a release
 * to take part, at most {@link #MAX_ITEMS} so one entry's redo after a runtime died stays small.
 * Pure. Each runtime then spreads an entry's items over its Python workers.
 */
public final class ChunkPlan {

  /** The most items one stream entry carries. */
  public static final int MAX_ITEMS = 256;

  private static final int ENTRIES = 64;

  private ChunkPlan() {}

  /** Items per entry for a batch of {@code total} items. */
  public static int entrySize(int total) {
    return Math.max(1, Math.min(MAX_ITEMS, (total + ENTRIES - 1) / ENTRIES));
  }
}
