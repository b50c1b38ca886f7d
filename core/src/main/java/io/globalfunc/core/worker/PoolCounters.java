package io.globalfunc.core.worker;

import java.util.List;

/**
 * The pool's event counts and its record of failed starts. Not thread-safe: the pool holds its lock
 * around every use.
 */
final class PoolCounters {

  long restarts;
  long crashes;
  long timeouts;
  long recycled;

  /** Failed starts in a row (reset when a worker answers its handshake). */
  int startFailures;

  String lastStartError;

  void startFailed(String error) {
    startFailures++;
    lastStartError = error;
  }

  void started() {
    startFailures = 0;
  }

  /** Back-off before the next start attempt: 250 ms doubling to 30 s. */
  long respawnDelayMs() {
    return Math.min(30_000, 250L << Math.min(7, Math.max(0, startFailures - 1)));
  }

  /** These counters with gauges of {@code workers} (under the pool's lock) and the queue. */
  PoolStats stats(List<PooledWorker> workers, int queued) {
    int ready = (int) workers.stream().filter(PooledWorker::usable).count();
    int busy = (int) workers.stream().filter(w -> !w.inflight.isEmpty()).count();
    return new PoolStats(
        workers.size(), ready, busy, queued, restarts, crashes, timeouts, recycled);
  }

  /** Starting has failed often enough that waiting calls should fail rather than wait. */
  boolean startLooksHopeless() {
    return startFailures >= 3;
  }
}
