package io.globalfunc.core.worker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;

/**
 * The pool's books on one {@link WorkerProcess}: its state and the calls written to it, in the
 * order they were written (it answers them in that order). Guarded by the pool's lock.
 */
final class PooledWorker {

  /** Where a worker is in its life. */
  enum State {
    STARTING,
    READY,
    RETIRING,
    DEAD
  }

  final WorkerProcess process;

  /** The pool's lock, which guards every mutable field here. */
  private final Object lock;

  @GuardedBy("lock")
  final ArrayDeque<PendingCall> inflight = new ArrayDeque<>();

  @GuardedBy("lock")
  State state = State.STARTING;

  /** Calls ever written to it, for recycling. */
  @GuardedBy("lock")
  long sent;

  /** When the call at the head of {@link #inflight} started (or was written, if later). */
  @GuardedBy("lock")
  long headStartedNanos;

  /** A large frame is being written off-thread: write nothing else until it is through. */
  @GuardedBy("lock")
  boolean writing;

  @GuardedBy("lock")
  boolean killedForTimeout;

  PooledWorker(WorkerProcess process, Object lock) {
    this.process = process;
    this.lock = lock;
  }

  /** Records a call written to this worker. */
  @GuardedBy("lock")
  void add(PendingCall p) {
    inflight.addLast(p);
    sent++;
    if (inflight.size() == 1) {
      headStartedNanos = System.nanoTime();
    }
  }

  /** Takes the head call off once answered; the next one starts now. */
  @GuardedBy("lock")
  PendingCall pollHead() {
    PendingCall done = inflight.pollFirst();
    if (!inflight.isEmpty()) {
      headStartedNanos = System.nanoTime();
    }
    return done;
  }

  /**
   * Takes off the running call if it has run past its timeout at {@code now}, marking this worker
   * as one to kill.
   */
  @GuardedBy("lock")
  PendingCall takeExpiredHead(long now, PoolConfig config) {
    PendingCall head = inflight.peekFirst();
    if (head == null || killedForTimeout || state == State.DEAD) {
      return null;
    }
    if (now - headStartedNanos <= head.timeout(config).toNanos()) {
      return null;
    }
    killedForTimeout = true;
    return inflight.pollFirst();
  }

  /** Retiring and drained: time to close its input so it exits cleanly. */
  @GuardedBy("lock")
  boolean drainedForRetirement() {
    return state == State.RETIRING && inflight.isEmpty() && !writing;
  }

  @GuardedBy("lock")
  DispatchPolicy.WorkerView view() {
    int batch = 0;
    for (PendingCall p : inflight) {
      if (p.background()) {
        batch++;
      }
    }
    return new DispatchPolicy.WorkerView(
        state == State.READY, writing, killedForTimeout, inflight.size(), batch);
  }
}
