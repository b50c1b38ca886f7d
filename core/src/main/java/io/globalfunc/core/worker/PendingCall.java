package io.globalfunc.core.worker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A call accepted by the pool and not yet answered: its encoded frame and its caller's future. */
record PendingCall(
    long id, CallRequest request, byte[] frame, CompletableFuture<CallOutcome> future) {

  DispatchPolicy.Head head() {
    return new DispatchPolicy.Head(frame.length);
  }

  boolean background() {
    return request.background();
  }

  Duration timeout(PoolConfig config) {
    return request.timeout() != null ? request.timeout() : config.defaultTimeout();
  }

  void complete(CallOutcome outcome) {
    future.complete(outcome);
  }
}
