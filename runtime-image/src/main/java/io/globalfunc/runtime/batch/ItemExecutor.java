package io.globalfunc.runtime.batch;

import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.JsonItem;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link BatchConsumer} runs the items of a task: this runtime's own Python workers ({@link
 * PoolExecutor}), or, in a batch agent, the pod's runtime container over loopback ({@link
 * RuntimeHttpExecutor}). The consumer's reading, storing, reclaiming and dead-lettering are the
 * same for both.
 */
interface ItemExecutor {

  /** One item: the bytes the caller sent, and the keyword arguments they hold (checked). */
  record Item(byte[] raw, JsonItem kwargs) {}

  /** Where one task's items run: one function at one commit; closed once the task is done. */
  interface Target {

    /** The function run, or null when it is not served there (every item then fails). */
    FunctionRef function();

    /**
     * Runs items of {@link #function()} as background work; outcomes in item order. What could not
     * run is a failure that {@link io.globalfunc.core.worker.FailureKind#neverRan() never ran}; the
     * future fails only with a {@link io.globalfunc.runtime.library.RefException} (the ref cannot
     * be served) or when the answer is no outcome at all.
     */
    CompletableFuture<List<CallOutcome>> run(List<Item> items);

    /** The provenance fields of the items' envelopes (known once they ran). */
    Map<String, String> provenance();

    void close();
  }

  /**
   * The target of a task's {@code Package.function} or {@code Package@ref.function}; fails with a
   * {@link io.globalfunc.runtime.library.RefException} when the ref cannot be served.
   */
  CompletableFuture<Target> target(FunctionName.RefCall call);

  /** True when items can run now; false leaves the stream to other consumers for a moment. */
  boolean ready();

  /** Every function served, as {@code package.function}, announced to producers. */
  Set<String> callNames();

  /** Stream tasks the consumer may hold at once (read ahead of running them). */
  int tasksAtOnce();

  /**
   * Of {@code free} permits, how many tasks to read now; every one unless the executor knows what
   * it holds ({@link ReadAhead}).
   */
  default int tasksToRead(int free) {
    return free;
  }
}
