package io.globalfunc.runtime.batch;

/**
 * How many stream tasks a consumer reads now: enough to keep its Python workers fed with tiny items
 * (a task's completion and the next read are Redis round trips the workers would otherwise wait
 * for), never a pile of slow items that other runtimes of the release could be running. Run times
 * are judged from what each function's items measured ({@link ChunkSizer}), and the next task is
 * taken to be like the last one read; a runtime with nothing to run takes one task, since what it
 * holds is unknown until it ran a frame. So a runtime holds at most about {@link #NANOS_PER_WORKER}
 * per batch worker, plus one task and what runs. Pure.
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
   * @param unknown some waiting items, or the last task read, belong to a function not measured yet
   * @param taskNanos the last task read's run time, by its function's measured run time per item
   */
  record Backlog(int waiting, int running, long knownNanos, boolean unknown, long taskNanos) {

    static final Backlog IDLE = new Backlog(0, 0, 0, false, 0);

    Backlog plus(Backlog o) {
      return new Backlog(
          waiting + o.waiting,
          running + o.running,
          knownNanos + o.knownNanos,
          unknown || o.unknown,
          Math.max(taskNanos, o.taskNanos));
    }

    boolean idle() {
      return waiting == 0 && running == 0;
    }
  }

  /**
   * Tasks to read with {@code free} permits, holding {@code backlog}, on {@code workers} batch
   * workers: none while an unmeasured function's run time is awaited (its first frame tells) or
   * while {@link #NANOS_PER_WORKER} per worker or more waits; one when idle; else as many tasks
   * like the last one as fit in what is left of that, at least one.
   */
  static int tasks(int free, Backlog backlog, int workers) {
    if (free <= 0) {
      return 0;
    }
    if (backlog.idle()) {
      return 1;
    }
    long budget = NANOS_PER_WORKER * Math.max(1, workers);
    if (backlog.unknown() || backlog.knownNanos() >= budget) {
      return 0;
    }
    if (backlog.taskNanos() <= 0) {
      return free;
    }
    long fit = (budget - backlog.knownNanos()) / backlog.taskNanos();
    return (int) Math.min(free, Math.max(1, fit));
  }
}
