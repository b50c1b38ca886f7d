package io.globalfunc.runtime.batch;

import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.ChunkRequest;
import io.globalfunc.core.worker.FailureKind;
import io.globalfunc.core.worker.JsonItem;
import io.globalfunc.core.worker.WorkerPool;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs items on the pool in worker frames ({@link WorkerPool#submitChunk}), at most {@code slots}
 * frames at once so a frame runs as soon as it is written: its wall time is then its run time, and
 * {@link ChunkSizer} sizes the next frame of that function from it. Items a frame left unreported
 * ({@link FailureKind#NOT_RUN}: a chunk-mate crashed or hung) run again alone, so only the culprit
 * fails. Thread-safe; futures never complete exceptionally.
 */
final class FrameFeeder {

  private final WorkerPool pool;
  private final ChunkSizer sizer;
  private final int slots;
  private final boolean background;
  private final Deque<Item> waiting = new ArrayDeque<>();

  /** Items in {@link #waiting} per function ({@link FunctionRef#callName}), for the backlog. */
  private final Map<String, Integer> waitingPerFunction = new HashMap<>();

  private int running;

  /** The function and size of the last {@link #run}: what the next task is taken to be like. */
  private String lastFunction;

  private int lastSize;

  FrameFeeder(WorkerPool pool, ChunkSizer sizer, int slots, boolean background) {
    this.pool = pool;
    this.sizer = sizer;
    this.slots = Math.max(1, slots);
    this.background = background;
  }

  /** One item of a group: its arguments and where its outcome goes. */
  private record Item(Group group, int index, JsonItem kwargs, boolean alone) {}

  /** The items of one {@link #run} call and their outcomes. */
  static final class Group {
    final FunctionRef ref;
    final CallOutcome[] outcomes;
    final AtomicInteger left;
    final CompletableFuture<List<CallOutcome>> done = new CompletableFuture<>();
    volatile boolean cancelled;

    /** Outcomes in item order, once every item has one. */
    CompletableFuture<List<CallOutcome>> outcomes() {
      return done;
    }

    /** The caller went away: items not yet written to a worker are dropped; never completes. */
    void cancel() {
      cancelled = true;
    }

    Group(FunctionRef ref, int size) {
      this.ref = ref;
      this.outcomes = new CallOutcome[size];
      this.left = new AtomicInteger(size);
    }

    void finish(int index, CallOutcome outcome) {
      outcomes[index] = outcome;
      if (left.decrementAndGet() == 0) {
        done.complete(List.of(outcomes));
      }
    }
  }

  /** Runs {@code items} (JSON objects) of one function; outcomes come back in item order. */
  Group run(FunctionRef ref, List<JsonItem> items) {
    Group g = new Group(ref, items.size());
    if (items.isEmpty()) {
      g.done.complete(List.of());
      return g;
    }
    synchronized (this) {
      for (int i = 0; i < items.size(); i++) {
        waiting.addLast(new Item(g, i, items.get(i), false));
      }
      counted(ref, items.size());
      lastFunction = ref.callName();
      lastSize = items.size();
    }
    pump();
    return g;
  }

  private void pump() {
    while (true) {
      List<Item> frame;
      synchronized (this) {
        while (!waiting.isEmpty() && waiting.peekFirst().group().cancelled) {
          counted(waiting.pollFirst().group().ref, -1);
        }
        if (running >= slots || waiting.isEmpty()) {
          return;
        }
        frame = nextFrameLocked();
        running++;
      }
      submit(frame);
    }
  }

  /**
   * Consecutive waiting items of the first item's function, as many as the sizer allows for what is
   * waiting ({@link ChunkSizer#size(String, int, int, boolean)}).
   */
  private List<Item> nextFrameLocked() {
    int queued = waiting.size();
    Item first = waiting.pollFirst();
    List<Item> frame = new ArrayList<>();
    frame.add(first);
    if (first.alone()) {
      counted(first.group().ref, -1);
      return frame;
    }
    int size = sizer.size(first.group().ref.callName(), queued, slots, background);
    while (frame.size() < size
        && !waiting.isEmpty()
        && !waiting.peekFirst().alone()
        && !waiting.peekFirst().group().cancelled
        && waiting.peekFirst().group().ref.equals(first.group().ref)) {
      frame.add(waiting.pollFirst());
    }
    counted(first.group().ref, -frame.size());
    return frame;
  }

  private void submit(List<Item> frame) {
    FunctionRef ref = frame.get(0).group().ref;
    List<JsonItem> args = new ArrayList<>(frame.size());
    frame.forEach(i -> args.add(i.kwargs()));
    long start = System.nanoTime();
    CompletableFuture<List<CallOutcome>> call;
    try {
      call = pool.submitChunk(new ChunkRequest(ref, args, null, background));
    } catch (RuntimeException | StackOverflowError e) {
      // Some item cannot be encoded: run each alone so it fails by itself.
      frameDone(frame, null, 0);
      return;
    }
    call.whenComplete((outcomes, error) -> frameDone(frame, outcomes, System.nanoTime() - start));
  }

  private void frameDone(List<Item> frame, List<CallOutcome> outcomes, long nanos) {
    List<Item> again = new ArrayList<>();
    for (int k = 0; k < frame.size(); k++) {
      Item item = frame.get(k);
      CallOutcome o = outcomes == null || k >= outcomes.size() ? null : outcomes.get(k);
      // NOT_RUN: a chunk-mate killed the worker first; UNREADABLE_REQUEST for a whole frame may
      // come from one item: either way each item gets its own verdict alone.
      boolean unreported =
          o == null
              || o instanceof CallOutcome.Failure f
                  && (f.kind() == FailureKind.NOT_RUN
                      || f.kind() == FailureKind.UNREADABLE_REQUEST);
      if (unreported && !item.alone()) {
        again.add(new Item(item.group(), item.index(), item.kwargs(), true));
      } else if (o == null) {
        item.group().finish(item.index(), unencodable());
      } else {
        item.group().finish(item.index(), o);
      }
    }
    if (outcomes != null && again.isEmpty()) {
      sizer.record(frame.get(0).group().ref.callName(), frame.size(), nanos);
    }
    synchronized (this) {
      running--;
      for (int k = again.size() - 1; k >= 0; k--) {
        waiting.addFirst(again.get(k));
      }
      if (!again.isEmpty()) {
        counted(again.get(0).group().ref, again.size());
      }
    }
    pump();
  }

  /**
   * What this feeder holds: the items waiting, the frames running, and how long the waiting items
   * of measured functions should take ({@link ReadAhead}).
   */
  synchronized ReadAhead.Backlog backlog() {
    long nanos = 0;
    boolean unknown = false;
    for (Map.Entry<String, Integer> e : waitingPerFunction.entrySet()) {
      OptionalDouble perItem = sizer.nanosPerItem(e.getKey());
      if (perItem.isPresent()) {
        nanos += (long) (perItem.getAsDouble() * e.getValue());
      } else {
        unknown = true;
      }
    }
    long task = 0;
    if (lastFunction != null) {
      OptionalDouble perItem = sizer.nanosPerItem(lastFunction);
      unknown |= perItem.isEmpty();
      task = (long) (perItem.orElse(0) * lastSize);
    }
    return new ReadAhead.Backlog(waiting.size(), running, nanos, unknown, task);
  }

  private void counted(FunctionRef ref, int delta) {
    waitingPerFunction.merge(ref.callName(), delta, (a, b) -> a + b == 0 ? null : a + b);
  }

  private static CallOutcome unencodable() {
    return new CallOutcome.Failure(
        FailureKind.UNREADABLE_REQUEST,
        null,
        "the runtime cannot encode this item for Python",
        null);
  }
}
