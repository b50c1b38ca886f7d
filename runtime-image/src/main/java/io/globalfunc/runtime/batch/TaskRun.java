package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.BatchTask;
import io.globalfunc.core.batch.ItemResult;
import io.globalfunc.core.batch.ItemResult.Outcome;
import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.core.worker.FailureKind;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.http.CallMetrics;
import io.globalfunc.runtime.http.Problem;
import io.globalfunc.runtime.library.ServedFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the items of one batch task on the pool and says what became of each: a result or a failure
 * to store, an item whose worker crashed to retry on its own (so it never takes its task-mates down
 * with it) or, past the delivery limit, to dead-letter. An item the runtime cannot read or encode
 * is its own failure. The future never completes exceptionally.
 */
final class TaskRun {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BatchTask task;
  private final ServedFunction fn;
  private final WorkerPool pool;
  private final CallMetrics metrics;
  private final int maxDeliveries;

  TaskRun(
      BatchTask task, ServedFunction fn, WorkerPool pool, CallMetrics metrics, int maxDeliveries) {
    this.task = task;
    this.fn = fn;
    this.pool = pool;
    this.metrics = metrics;
    this.maxDeliveries = maxDeliveries;
  }

  CompletableFuture<List<ItemResult>> start() {
    List<CompletableFuture<ItemResult>> items = new ArrayList<>(task.items().size());
    for (int k = 0; k < task.items().size(); k++) {
      items.add(run(k));
    }
    return CompletableFuture.allOf(items.toArray(CompletableFuture[]::new))
        .thenApply(v -> items.stream().map(CompletableFuture::join).toList());
  }

  private CompletableFuture<ItemResult> run(int k) {
    int item = task.item(k);
    if (fn == null) {
      return failed(
          item, Problem.UNKNOWN_FUNCTION, "no function " + task.function() + " is served here");
    }
    JsonNode kwargs;
    try {
      kwargs = JSON.readTree(task.items().get(k));
    } catch (Exception | StackOverflowError e) {
      return failed(item, Problem.BAD_JSON, "the item cannot be read: " + e.getMessage());
    }
    if (kwargs == null || !kwargs.isObject()) {
      return failed(
          item, Problem.INVALID_REQUEST, "an item must be a JSON object of keyword arguments");
    }
    CompletableFuture<CallOutcome> call;
    long start = System.nanoTime();
    try {
      call = pool.submit(new CallRequest(fn.ref(), null, kwargs, null, true));
    } catch (RuntimeException | StackOverflowError e) {
      return failed(
          item,
          Problem.INVALID_REQUEST,
          "the runtime cannot encode this item for Python: " + e.getMessage());
    }
    return call.handle(
        (outcome, error) -> {
          try {
            if (error == null) {
              metrics.record(fn.ref(), outcome, System.nanoTime() - start, CallMetrics.Mode.BATCH);
              return result(k, outcome);
            }
            return internal(item, error);
          } catch (RuntimeException | StackOverflowError e) {
            return internal(item, e);
          }
        });
  }

  private ItemResult result(int k, CallOutcome outcome) {
    int item = task.item(k);
    if (outcome instanceof CallOutcome.Success s) {
      return ItemResult.of(item, Outcome.DONE, ResultEnvelope.success(s.json()));
    }
    CallOutcome.Failure f = (CallOutcome.Failure) outcome;
    if (f.kind() == FailureKind.OVERLOADED || f.kind() == FailureKind.UNAVAILABLE) {
      // This runtime could not run it (shutting down, Python gone): not the item's fault.
      return ItemResult.retry(item, task.items().get(k), task.retries());
    }
    if (f.kind() == FailureKind.WORKER_CRASHED) {
      int deliveries = task.retries() + 1;
      if (deliveries < maxDeliveries) {
        return ItemResult.retry(item, task.items().get(k), deliveries);
      }
      return ItemResult.of(
          item,
          Outcome.DEAD,
          envelope(
              Problem.WORKER_CRASHED,
              "the item's worker crashed on each of its "
                  + deliveries
                  + " deliveries (last: "
                  + f.message()
                  + "); dead-lettered"));
    }
    return ItemResult.of(
        item, Outcome.FAILED, ResultEnvelope.failure(Problem.body(JSON, f, fn.ref().callName())));
  }

  private CompletableFuture<ItemResult> failed(int item, Problem problem, String detail) {
    return CompletableFuture.completedFuture(
        ItemResult.of(item, Outcome.FAILED, envelope(problem, detail)));
  }

  private ItemResult internal(int item, Throwable error) {
    return ItemResult.of(
        item,
        Outcome.FAILED,
        envelope(Problem.INTERNAL, "the runtime failed on this item: " + error));
  }

  private byte[] envelope(Problem problem, String detail) {
    return ResultEnvelope.failure(problem.body(JSON, detail, task.function()));
  }
}
