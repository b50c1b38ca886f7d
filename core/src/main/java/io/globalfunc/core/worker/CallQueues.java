package io.globalfunc.core.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls waiting for a worker, in two lanes: interactive calls (bounded by the pool's queue
 * limit) and batch items (bounded by their producer, the batch consumer's permits). Not
 * thread-safe: the pool holds its lock around every use.
 */
final class CallQueues {

  private final ArrayDeque<PendingCall> interactive = new ArrayDeque<>();
  private final ArrayDeque<PendingCall> batch = new ArrayDeque<>();

  /** Adds a call at the back of its lane. */
  void add(PendingCall p) {
    lane(p).addLast(p);
  }

  /** Puts back a call that was written ahead to a worker that died before running it. */
  void addFirst(PendingCall p) {
    lane(p).addFirst(p);
  }

  private ArrayDeque<PendingCall> lane(PendingCall p) {
    return p.background() ? batch : interactive;
  }

  int interactiveSize() {
    return interactive.size();
  }

  int size() {
    return interactive.size() + batch.size();
  }

  boolean isEmpty() {
    return interactive.isEmpty() && batch.isEmpty();
  }

  DispatchPolicy.Head interactiveHead() {
    return head(interactive);
  }

  DispatchPolicy.Head batchHead() {
    return head(batch);
  }

  /** The first call of a lane whose caller still waits; cancelled ones are dropped here. */
  private static DispatchPolicy.Head head(ArrayDeque<PendingCall> lane) {
    while (!lane.isEmpty() && lane.peekFirst().isCancelled()) {
      lane.pollFirst();
    }
    PendingCall p = lane.peekFirst();
    return p == null ? null : p.head();
  }

  /** Takes the head of the lane the policy chose. */
  PendingCall poll(DispatchPolicy.Lane lane) {
    return lane == DispatchPolicy.Lane.INTERACTIVE ? interactive.pollFirst() : batch.pollFirst();
  }

  /** Empties both lanes, returning what they held. */
  List<PendingCall> drain() {
    List<PendingCall> all = new ArrayList<>(interactive);
    all.addAll(batch);
    interactive.clear();
    batch.clear();
    return all;
  }
}
