package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.BatchTask;
import io.globalfunc.core.batch.ItemResult;
import io.globalfunc.core.batch.ItemResult.Outcome;
import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.JsonItem;
import io.globalfunc.runtime.http.CallMetrics;
import io.globalfunc.runtime.library.RefException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs the items of one batch task on an {@link ItemExecutor.Target} and says what became of each:
 * a result or a failure to store, an item whose worker crashed to retry on its own (so it never
 * takes its task-mates down with it) or, past the delivery limit, to dead-letter. An item the
 * runtime cannot read or encode is its own failure. The future never completes exceptionally.
 */
final class TaskRun {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BatchTask task;
  private final ItemExecutor.Target target;
  private final FunctionRef fn;
  private final int maxDeliveries;

  /**
   * The target's provenance as envelope fields ({@link ResultEnvelope#fields}), once run: made once
   * and stored once for the task's items ({@link ItemResult#sharing}).
   */
  private byte[] provenance;

  private final CallMetrics metrics;

  /**
   * A task run on {@code target} (its function null: not served there); run items' envelopes carry
   * the target's provenance.
   */
  TaskRun(BatchTask task, ItemExecutor.Target target, CallMetrics metrics, int maxDeliveries) {
    this.metrics = metrics;
    this.task = task;
    this.target = target;
    this.fn = target.function();
    this.maxDeliveries = maxDeliveries;
  }

  /** Every item of a task that cannot run at all (its ref unknown or not allowed), failed. */
  static List<ItemResult> refused(BatchTask task, Problem problem, String detail) {
    List<ItemResult> results = new ArrayList<>();
    for (int k = 0; k < task.items().size(); k++) {
      results.add(
          ItemResult.of(
              task.item(k),
              Outcome.FAILED,
              ResultEnvelope.failure(problem.body(JSON, detail, task.function()))));
    }
    return results;
  }

  /** Reads every item, runs the valid ones, and says what became of each. */
  CompletableFuture<List<ItemResult>> start() {
    ItemResult[] results = new ItemResult[task.items().size()];
    List<Integer> valid = new ArrayList<>();
    List<ItemExecutor.Item> items = new ArrayList<>();
    for (int k = 0; k < results.length; k++) {
      JsonItem item = read(k, results);
      if (item != null) {
        valid.add(k);
        items.add(new ItemExecutor.Item(task.items().get(k), item));
      }
    }
    if (valid.isEmpty()) {
      return CompletableFuture.completedFuture(List.of(results));
    }
    long start = System.nanoTime();
    return target
        .run(items)
        .handle(
            (outcomes, error) -> {
              Throwable cause = error instanceof CompletionException c ? c.getCause() : error;
              if (cause instanceof RefException re) {
                return refused(task, re.problem(), re.getMessage()); // an agent's runtime said
              }
              metrics.recordGroup(fn, outcomes, System.nanoTime() - start, CallMetrics.Mode.BATCH);
              provenance = ResultEnvelope.fields(target.provenance()); // once for every item
              for (int v = 0; v < valid.size(); v++) {
                int k = valid.get(v);
                results[k] = safely(k, outcomes == null ? null : outcomes.get(v), error);
              }
              return List.of(results);
            });
  }

  /** The item's keyword arguments, or null after recording why it cannot run. */
  private JsonItem read(int k, ItemResult[] results) {
    int item = task.item(k);
    if (fn == null) {
      results[k] =
          failed(
              item, Problem.UNKNOWN_FUNCTION, "no function " + task.function() + " is served here");
      return null;
    }
    JsonItem kwargs;
    try {
      kwargs = JsonItem.parse(task.items().get(k));
    } catch (Exception | StackOverflowError e) {
      results[k] = failed(item, Problem.BAD_JSON, "the item cannot be read: " + e.getMessage());
      return null;
    }
    if (kwargs.shape() != JsonItem.Shape.OBJECT) {
      results[k] =
          failed(
              item, Problem.INVALID_REQUEST, "an item must be a JSON object of keyword arguments");
      return null;
    }
    return kwargs;
  }

  private ItemResult safely(int k, CallOutcome outcome, Throwable error) {
    try {
      return error == null && outcome != null ? result(k, outcome) : internal(task.item(k), error);
    } catch (RuntimeException | StackOverflowError e) {
      return internal(task.item(k), e);
    }
  }

  private ItemResult result(int k, CallOutcome outcome) {
    int item = task.item(k);
    if (outcome instanceof CallOutcome.Success s) {
      return ItemResult.of(item, Outcome.DONE, ResultEnvelope.success(s.json()))
          .sharing(provenance);
    }
    CallOutcome.Failure f = (CallOutcome.Failure) outcome;
    if (f.kind().neverRan()) {
      // This runtime could not run it (shutting down, Python gone): not the item's fault.
      return ItemResult.retry(item, task.items().get(k), task.retries());
    }
    if (f.kind().retryable()) { // its worker died under it: the item may well succeed alone
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
            item, Outcome.FAILED, ResultEnvelope.failure(Problem.body(JSON, f, fn.callName())))
        .sharing(provenance);
  }

  private ItemResult failed(int item, Problem problem, String detail) {
    return ItemResult.of(item, Outcome.FAILED, envelope(problem, detail));
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
