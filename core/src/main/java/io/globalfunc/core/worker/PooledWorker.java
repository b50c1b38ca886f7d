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

  /**
   * The pool killed it (a call past its timeout, an answer out of protocol) and already answered
   * for the call it was running.
   */
  @GuardedBy("lock")
  boolean killed;

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
    if (head == null || killed || state == State.DEAD) {
      return null;
    }
    if (now - headStartedNanos <= head.timeout(config).toNanos()) {
      return null;
    }
    killed = true;
    return inflight.pollFirst();
  }

  /** The running chunk reported progress: its next item starts now. */
  @GuardedBy("lock")
  void progressed() {
    headStartedNanos = System.nanoTime();
  }

  /** Can take calls: started, not retiring, not being killed. */
  @GuardedBy("lock")
  boolean usable() {
    return state == State.READY && !killed;
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
        state == State.READY, writing, killed, inflight.size(), batch);
  }
}
