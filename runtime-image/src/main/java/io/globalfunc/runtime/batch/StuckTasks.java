package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.batch.BatchTask;
import io.globalfunc.core.batch.ItemResult;
import io.globalfunc.core.batch.ItemResult.Outcome;
import io.globalfunc.core.batch.PendingTask;
import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.error.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Tasks delivered too often without finishing (the runtime running them died each time, since a
 * live one keeps its tasks held): a task of several items is split so each gets one more delivery
 * alone; a single item is dead-lettered with a problem saying why.
 */
final class StuckTasks {

  private static final Logger LOG = Logger.getLogger(StuckTasks.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private StuckTasks() {}

  /**
   * Settles the pending tasks idle longer than {@code idle} that reached {@code max} deliveries.
   */
  static void settle(BatchStore store, Duration idle, int max) {
    for (PendingTask p : store.pending(idle, 200)) {
      BatchTask t = store.task(p.streamId());
      if (t == null || t.isMalformed()) {
        store.discard(p.streamId());
        continue;
      }
      long deliveries = t.retries() + p.deliveries();
      if (deliveries < max) {
        continue;
      }
      if (t.items().size() > 1) {
        LOG.warnf(
            "batch %s items %d-%d never finished in %d deliveries; retrying each alone",
            t.batchId(), t.from(), t.item(t.items().size() - 1), deliveries);
        store.complete(t, splitAlone(t, max));
      } else {
        LOG.warnf(
            "batch %s item %d never finished in %d deliveries; dead-lettered",
            t.batchId(), t.from(), deliveries);
        store.complete(
            t, List.of(ItemResult.of(t.from(), Outcome.DEAD, neverFinished(t, deliveries))));
      }
    }
  }

  /** Each item of the task queued again on its own, with one delivery left. */
  private static List<ItemResult> splitAlone(BatchTask t, int max) {
    List<ItemResult> out = new ArrayList<>(t.items().size());
    for (int k = 0; k < t.items().size(); k++) {
      out.add(ItemResult.retry(t.item(k), t.items().get(k), max - 1));
    }
    return out;
  }

  private static byte[] neverFinished(BatchTask t, long deliveries) {
    return ResultEnvelope.failure(
        Problem.WORKER_CRASHED.body(
            JSON,
            "the item was delivered "
                + deliveries
                + " times and never finished: the runtime running it stopped each time"
                + " (killed, out of memory, or lost its Redis connection); dead-lettered",
            t.function()));
  }
}
