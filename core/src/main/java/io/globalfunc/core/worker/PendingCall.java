package io.globalfunc.core.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Work accepted by the pool and not yet answered: one call or one chunk of calls, its encoded
 * frame, and how its caller learns the outcome. The pool calls {@link #accept} under its lock and
 * every completing method ({@link #finish}, {@link #failRunning}, {@link #abandon}) outside it, so
 * no caller's continuation ever runs holding the lock.
 */
abstract sealed class PendingCall permits PendingCall.Single, PendingChunk {

  private final long id;
  private final byte[] frame;
  private final boolean background;
  private final Duration timeout;

  /**
   * The index of the event loop its caller ran on when it was submitted, or -1: written once by the
   * submitting thread before the call is queued under the pool's lock, which publishes it.
   */
  int home = -1;

  PendingCall(long id, byte[] frame, boolean background, Duration timeout) {
    this.id = id;
    this.frame = frame;
    this.background = background;
    this.timeout = timeout;
  }

  long id() {
    return id;
  }

  byte[] frame() {
    return frame;
  }

  boolean background() {
    return background;
  }

  DispatchPolicy.Head head() {
    return new DispatchPolicy.Head(frame.length, home);
  }

  /** How long the running part may go without an answer before its worker is killed. */
  Duration timeout(PoolConfig config) {
    return (timeout != null ? timeout : config.defaultTimeout()).plus(timeoutSlack());
  }

  /** How late an answer may come beyond the caller's timeout, for reasons of the protocol. */
  Duration timeoutSlack() {
    return Duration.ZERO;
  }

  /** Its worker was killed because it ran past the caller's timeout. */
  void timedOut(PoolConfig config) {
    Duration limit = timeout != null ? timeout : config.defaultTimeout();
    failRunning(
        FailureKind.TIMEOUT,
        "the call ran longer than " + limit.toMillis() + " ms; its worker was replaced");
  }

  /** Its caller gave up (e.g. cancelled the future): drop it if it has not been written yet. */
  abstract boolean isCancelled();

  /**
   * Takes an answer from its worker; true when the work is complete ({@link #finish} is then due).
   * Throws when the answer does not fit the work: the channel cannot be trusted.
   */
  abstract boolean accept(WorkerProtocol.Answer answer) throws IOException;

  /** Completes the caller's future after {@link #accept} returned true. */
  abstract void finish();

  /** The worker died or was killed while running this work. */
  abstract void failRunning(FailureKind kind, String message);

  /** This work never started (refused, shut down, workers that cannot start). */
  abstract void abandon(FailureKind kind, String message);

  /** One call. */
  static final class Single extends PendingCall {
    private final CompletableFuture<CallOutcome> future;
    private CallOutcome outcome;

    Single(long id, CallRequest request, CompletableFuture<CallOutcome> future) {
      super(id, WorkerProtocol.encode(id, request), request.background(), request.timeout());
      this.future = future;
    }

    @Override
    boolean isCancelled() {
      return future.isDone();
    }

    @Override
    boolean accept(WorkerProtocol.Answer answer) throws IOException {
      if (answer.isChunkReport()) {
        throw new IOException("a chunk report answered a single call");
      }
      outcome = WorkerProtocol.outcome(answer);
      return true;
    }

    @Override
    void finish() {
      future.complete(outcome);
    }

    @Override
    void failRunning(FailureKind kind, String message) {
      future.complete(CallOutcome.Failure.of(kind, message));
    }

    @Override
    void abandon(FailureKind kind, String message) {
      future.complete(CallOutcome.Failure.of(kind, message));
    }
  }
}
