package io.globalfunc.core.testing;

import io.globalfunc.core.batch.BatchStore;
import java.time.Duration;

/** What a release's batch stream holds, watched by tests. */
public final class BatchWatch {

  private BatchWatch() {}

  /** The most tasks consumers held at once (delivered, not acknowledged) while watching. */
  public static int mostPending(BatchStore store, Duration watch) throws InterruptedException {
    int most = 0;
    long end = System.nanoTime() + watch.toNanos();
    while (System.nanoTime() < end) {
      most = Math.max(most, store.pending(Duration.ZERO, 100).size());
      Thread.sleep(50);
    }
    return most;
  }
}
