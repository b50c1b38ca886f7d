package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.worker.CallOutcome;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link BatchConsumer} runs the items of a task: this runtime's own Python workers ({@link
 * PoolExecutor}), or, in a batch agent, the pod's runtime container over loopback ({@link
 * RuntimeHttpExecutor}). The consumer's reading, storing, reclaiming and dead-lettering are the
 * same for both.
 */
interface ItemExecutor {

  /** One item: the bytes the caller sent, and the keyword arguments they hold. */
  record Item(byte[] raw, JsonNode kwargs) {}

  /**
   * Runs items of one function as background work; outcomes in item order. The future never
   * completes exceptionally: what could not run is a failure that {@link
   * io.globalfunc.core.worker.FailureKind#neverRan() never ran}.
   */
  CompletableFuture<List<CallOutcome>> run(FunctionRef ref, List<Item> items);

  /** True when items can run now; false leaves the stream to other consumers for a moment. */
  boolean ready();

  /** The function served under {@code name} ({@code package.function}), or null. */
  FunctionRef served(String name);

  /** Every function served, as {@code package.function}, announced to producers. */
  Set<String> callNames();

  /** Stream tasks the consumer may hold at once (read ahead of running them). */
  int tasksAtOnce();
}
