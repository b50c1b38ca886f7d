package io.globalfunc.runtime.batch;

/**
 * How many stream tasks a consumer reads now: enough to keep its Python workers fed with tiny items
 * (a task's completion and the next read are Redis round trips the workers would otherwise wait
 * for), never a pile of slow items that other runtimes of the release could be running. A task's
 * run time is judged from what its function's items measured ({@link ChunkSizer}); a runtime with
 * nothing to run takes one task, since what the next task holds is unknown until it ran a frame.
 * Pure.
 */
final class ReadAhead {

  /** Work read ahead per batch worker, by the waiting items' measured run time. */
  static final long NANOS_PER_WORKER = 1_000_000_000L;

  private ReadAhead() {}

  /**
   * What a runtime holds of batch work.
   *
   * @param waiting items read and not yet written to a worker
   * @param running frames written to workers and not answered
   * @param knownNanos the waiting items' run time, for those whose function has measured one
   * @param unknown some waiting items belong to a function not measured yet
   */
  record Backlog(int waiting, int running, long knownNanos, boolean unknown) {

    static final Backlog IDLE = new Backlog(0, 0, 0, false);

    Backlog plus(Backlog o) {
      return new Backlog(
          waiting + o.waiting,
          running + o.running,
          knownNanos + o.knownNanos,
          unknown || o.unknown);
    }

    boolean idle() {
      return waiting == 0 && running == 0;
    }
  }

  /**
   * Tasks to read with {@code free} permits, holding {@code backlog}, on {@code workers} batch
   * workers: none while items of an unmeasured function wait (their first frame tells) or while
   * more than {@link #NANOS_PER_WORKER} per worker waits; one when idle; else every free permit.
   */
  static int tasks(int free, Backlog backlog, int workers) {
    if (free <= 0 || backlog.unknown()) {
      return 0;
    }
    if (backlog.idle()) {
      return 1;
    }
    return backlog.knownNanos() < NANOS_PER_WORKER * Math.max(1, workers) ? free : 0;
  }
}
