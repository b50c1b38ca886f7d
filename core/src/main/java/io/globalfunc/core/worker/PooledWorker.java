package io.globalfunc.core.worker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;

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

  /** The index of the event loop reading its answers. */
  final int loop;

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

  PooledWorker(WorkerProcess process, Object lock, int loop) {
    this.process = process;
    this.lock = lock;
    this.loop = loop;
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

  /**
   * What an answer settled: the call it completed ({@link PendingCall#finish} is due), or the call
   * it broke (an answer over the limit or out of protocol: fail it with {@code kind} and {@code
   * why}, then kill the worker), or neither (a chunk's progress).
   */
  record Taken(PendingCall done, PendingCall broken, FailureKind kind, String why) {}

  /** True when {@code answer} belongs to the call this worker is running. */
  @GuardedBy("lock")
  boolean isForHead(WorkerProtocol.Answer answer) {
    PendingCall head = inflight.peekFirst();
    return head != null && head.id() == answer.callId();
  }

  /** Applies an answer to the running call (see {@link #isForHead}). */
  @GuardedBy("lock")
  Taken take(WorkerProtocol.Answer answer, int maxResultBytes) {
    if (answer.status() == WorkerProtocol.STATUS_OVERSIZED) {
      String why = "the answer is over the limit of " + maxResultBytes + " bytes";
      return new Taken(null, pollHead(), FailureKind.RESULT_TOO_LARGE, why);
    }
    try {
      if (inflight.peekFirst().accept(answer)) {
        return new Taken(pollHead(), null, null, null);
      }
      headStartedNanos = System.nanoTime(); // a chunk's progress: its next item starts now
      return new Taken(null, null, null, null);
    } catch (IOException e) {
      String why = "its worker broke the protocol (" + e.getMessage() + ")";
      return new Taken(null, pollHead(), FailureKind.WORKER_CRASHED, why);
    }
  }

  /** Calls written ahead here had not started: they go back to the front, in order. */
  @GuardedBy("lock")
  void requeueInto(CallQueues queues) {
    inflight.descendingIterator().forEachRemaining(queues::addFirst);
    inflight.clear();
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

  /**
   * True when, besides the call just written, calls wait in the queue ({@code queued}) or run on
   * {@code workers}: the runtime's event loops have more to do than hand over this one.
   */
  static boolean othersOutstanding(List<PooledWorker> workers, int queued) {
    int outstanding = queued;
    for (PooledWorker w : workers) {
      outstanding += w.inflight.size();
    }
    return outstanding > 1;
  }

  @GuardedBy("lock")
  DispatchPolicy.WorkerView view() {
    int batch = 0;
    boolean chunk = false;
    for (PendingCall p : inflight) {
      batch += p.background() ? 1 : 0;
      chunk |= p instanceof PendingChunk;
    }
    return new DispatchPolicy.WorkerView(
        state == State.READY, writing, killed, inflight.size(), batch, chunk, loop);
  }
}
