package io.globalfunc.core.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A chunk in the pool: the worker reports its items' outcomes in order, a few at a time. When the
 * worker dies, the items that reported keep their outcomes; the rest are {@link
 * FailureKind#NOT_RUN}, unless exactly one was left, which then takes the blame itself.
 */
final class PendingChunk extends PendingCall {

  private final CompletableFuture<List<CallOutcome>> future;
  private final CallOutcome[] outcomes;

  /**
   * Items reported so far: written by {@link #accept} under the pool's lock; read by the completing
   * methods once the chunk has been taken off its worker under that lock, so never concurrently.
   */
  private int reported;

  PendingChunk(long id, ChunkRequest chunk, CompletableFuture<List<CallOutcome>> future) {
    super(id, WorkerProtocol.encode(id, chunk), chunk.background(), chunk.itemTimeout());
    this.future = future;
    this.outcomes = new CallOutcome[chunk.items().size()];
  }

  /** Progress comes at item boundaries at most this late: each item still gets its full time. */
  @Override
  Duration timeoutSlack() {
    return WorkerProtocol.PROGRESS_INTERVAL;
  }

  @Override
  boolean isCancelled() {
    return future.isDone();
  }

  @Override
  boolean accept(WorkerProtocol.Answer answer) throws IOException {
    if (!answer.isChunkReport()) {
      return acceptUnreadable(answer);
    }
    reported = WorkerProtocol.readChunkReport(answer.payload(), outcomes, reported);
    return answer.status() == WorkerProtocol.STATUS_CHUNK_DONE;
  }

  /**
   * A worker that cannot read a chunk's frame (an item nested deeper than its JSON reader goes)
   * answers it with one error before running anything: every item then has that failure, which the
   * caller may retry item by item to find the culprit. Any other single answer breaks the protocol.
   */
  private boolean acceptUnreadable(WorkerProtocol.Answer answer) throws IOException {
    CallOutcome.Failure f =
        answer.status() == WorkerProtocol.STATUS_ERROR && reported == 0
            ? WorkerProtocol.failure(answer.payload())
            : null;
    if (f == null || f.kind() != FailureKind.UNREADABLE_REQUEST) {
      throw new IOException("a single answer (status " + answer.status() + ") to a chunk");
    }
    Arrays.fill(outcomes, f);
    reported = outcomes.length;
    return true;
  }

  @Override
  void finish() {
    if (reported < outcomes.length) {
      failRunning(FailureKind.WORKER_CRASHED, "the worker ended the chunk early");
      return;
    }
    future.complete(List.of(outcomes));
  }

  @Override
  void failRunning(FailureKind kind, String message) {
    CallOutcome rest =
        outcomes.length - reported == 1
            ? CallOutcome.Failure.of(kind, message)
            : CallOutcome.Failure.of(
                FailureKind.NOT_RUN,
                "no outcome for this item: "
                    + message
                    + " (while running this item or another one of its chunk); retry it");
    Arrays.fill(outcomes, reported, outcomes.length, rest);
    future.complete(List.of(outcomes));
  }

  @Override
  void abandon(FailureKind kind, String message) {
    Arrays.fill(outcomes, reported, outcomes.length, CallOutcome.Failure.of(kind, message));
    future.complete(List.of(outcomes));
  }
}
