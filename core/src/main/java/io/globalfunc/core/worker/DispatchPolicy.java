package io.globalfunc.core.worker;

import java.util.List;

/**
 * Which waiting call goes to which worker next: a pure function of the queue heads and a snapshot
 * of the workers, so every rule is testable without a process.
 *
 * <ul>
 *   <li>Interactive calls go before batch items; a batch item waits while any interactive call
 *       waits.
 *   <li>An interactive call takes a free worker; failing that, a small one is written ahead
 *       (pipelined) to the least loaded worker that is running no batch item and no chunk, up to
 *       {@link PoolConfig#pipelineDepth()} calls per worker.
 *   <li>A batch item takes only a free worker, and batch items occupy at most {@link
 *       PoolConfig#maxBackground()} workers at once.
 *   <li>A worker that is starting, retiring, being killed or being written a large frame gets
 *       nothing.
 * </ul>
 */
final class DispatchPolicy {

  private DispatchPolicy() {}

  /** The first waiting call of a lane, as far as dispatch cares. */
  record Head(int frameBytes) {}

  /**
   * What dispatch needs to know of one worker.
   *
   * @param ready started and not retiring
   * @param writing a large frame is being written to it
   * @param killed it is being killed (its call timed out)
   * @param inflight calls written to it and not answered
   * @param batchInflight of those, batch items
   * @param runsChunk one of those is a chunk (long by nature: nothing waits behind it)
   */
  record WorkerView(
      boolean ready,
      boolean writing,
      boolean killed,
      int inflight,
      int batchInflight,
      boolean runsChunk) {

    /** The one definition of a free worker: usable and with nothing in flight. */
    boolean isFree() {
      return accepts() && inflight == 0;
    }

    /** Usable for writing to at all. */
    boolean accepts() {
      return ready && !writing && !killed;
    }
  }

  /** The lane a choice takes its call from. */
  enum Lane {
    INTERACTIVE,
    BATCH
  }

  /** Send the head of {@code lane} to the worker at {@code worker} in the snapshot list. */
  record Choice(Lane lane, int worker) {}

  /**
   * The next call to send and where, or {@code null} when nothing can go now.
   *
   * @param interactive the head of the interactive queue, or {@code null} when it is empty
   * @param batch the head of the batch queue, or {@code null} when it is empty
   */
  static Choice choose(Head interactive, Head batch, List<WorkerView> workers, PoolConfig config) {
    if (interactive != null) {
      int target = forInteractive(interactive, workers, config);
      return target < 0 ? null : new Choice(Lane.INTERACTIVE, target);
    }
    if (batch != null) {
      int target = forBatch(workers, config);
      return target < 0 ? null : new Choice(Lane.BATCH, target);
    }
    return null;
  }

  /** True when some worker could take a call now (admission control uses it). */
  static boolean anyFree(List<WorkerView> workers) {
    return workers.stream().anyMatch(WorkerView::isFree);
  }

  private static int forInteractive(Head head, List<WorkerView> workers, PoolConfig config) {
    int free = firstFree(workers);
    if (free >= 0 || head.frameBytes() > WorkerProcess.INLINE_FRAME_LIMIT) {
      return free;
    }
    int target = -1;
    for (int i = 0; i < workers.size(); i++) {
      WorkerView w = workers.get(i);
      if (w.accepts()
          && w.batchInflight() == 0
          && !w.runsChunk()
          && w.inflight() < config.pipelineDepth()
          && (target < 0 || w.inflight() < workers.get(target).inflight())) {
        target = i;
      }
    }
    return target;
  }

  private static int forBatch(List<WorkerView> workers, PoolConfig config) {
    int running = workers.stream().mapToInt(WorkerView::batchInflight).sum();
    if (running >= Math.min(config.maxBackground(), config.workers())) {
      return -1;
    }
    return firstFree(workers);
  }

  private static int firstFree(List<WorkerView> workers) {
    for (int i = 0; i < workers.size(); i++) {
      if (workers.get(i).isFree()) {
        return i;
      }
    }
    return -1;
  }
}
