package io.globalfunc.core.worker;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where an answered call's caller continues: an interactive call on the event loop that read its
 * answer (in the runtime, the one that writes its HTTP answer: no other thread is woken), batch
 * work on a thread of the pool's own, since its continuations may block.
 */
final class Completions {

  private final ExecutorService offLoop =
      Executors.newSingleThreadExecutor(r -> WorkerProcess.daemon(r, "gf-worker-completions"));

  /** Completes {@code p} by running {@code completion} where its caller should continue. */
  void settle(PendingCall p, Runnable completion) {
    if (p.background() || p instanceof PendingChunk) {
      try {
        offLoop.execute(completion);
        return;
      } catch (RejectedExecutionException closing) {
        // the pool is closing: complete it here
      }
    }
    completion.run();
  }

  /** Runs what was handed over, then stops. */
  void shutdown() {
    offLoop.shutdown();
  }
}
