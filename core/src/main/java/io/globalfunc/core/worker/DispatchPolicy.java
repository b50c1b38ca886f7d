package io.globalfunc.core.worker;

import java.util.List;

/**
 * Which waiting call goes to which worker next: a pure function of the queue heads and a snapshot
 * of the workers, so every rule is testable without a process.
 *
 * <ul>
 *   <li>Interactive calls go before batch items; a batch item waits while any interactive call
 *       waits.
 *   <li>An interactive call prefers a worker whose answers are read on its caller's event loop
 *       (then the answer wakes no other thread on its way back), among free workers and among
 *       equally loaded ones.
 *   <li>A new worker's answers go to the event loop reading the fewest workers' answers.
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

  /**
   * The first waiting call of a lane, as far as dispatch cares.
   *
   * @param home the index of the event loop its caller runs on, or -1
   */
  record Head(int frameBytes, int home) {}

  /**
   * What dispatch needs to know of one worker.
   *
   * @param ready started and not retiring
   * @param writing a large frame is being written to it
   * @param killed it is being killed (its call timed out)
   * @param inflight calls written to it and not answered
   * @param batchInflight of those, batch items
   * @param runsChunk one of those is a chunk (long by nature: nothing waits behind it)
   * @param loop the index of the event loop reading its answers
   */
  record WorkerView(
      boolean ready,
      boolean writing,
      boolean killed,
      int inflight,
      int batchInflight,
      boolean runsChunk,
      int loop) {

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

  /** The index of the event loop that should read a new worker's answers. */
  static int loopForNewWorker(List<WorkerView> workers, int loops) {
    int[] count = new int[loops];
    workers.forEach(w -> count[w.loop()]++);
    int best = 0;
    for (int i = 1; i < loops; i++) {
      if (count[i] < count[best]) {
        best = i;
      }
    }
    return best;
  }

  private static int forInteractive(Head head, List<WorkerView> workers, PoolConfig config) {
    int free = firstFree(workers, head.home());
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
          && (target < 0 || better(w, workers.get(target), head.home()))) {
        target = i;
      }
    }
    return target;
  }

  /** Less loaded, or as loaded and read on the caller's loop. */
  private static boolean better(WorkerView w, WorkerView than, int home) {
    return w.inflight() < than.inflight()
        || w.inflight() == than.inflight() && w.loop() == home && than.loop() != home;
  }

  private static int forBatch(List<WorkerView> workers, PoolConfig config) {
    int running = workers.stream().mapToInt(WorkerView::batchInflight).sum();
    if (running >= Math.min(config.maxBackground(), config.workers())) {
      return -1;
    }
    return firstFree(workers, -1);
  }

  /** The first free worker read on loop {@code home}, else the first free one, else -1. */
  private static int firstFree(List<WorkerView> workers, int home) {
    int first = -1;
    for (int i = 0; i < workers.size(); i++) {
      if (workers.get(i).isFree()) {
        if (workers.get(i).loop() == home) {
          return i;
        }
        first = first < 0 ? i : first;
      }
    }
    return first;
  }
}
