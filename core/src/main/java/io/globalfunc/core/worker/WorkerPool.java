package io.globalfunc.core.worker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.globalfunc.core.worker.PooledWorker.State;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A pool of long-lived Python worker processes running catalogued functions.
 *
 * <p>Calls queue (bounded) until a worker is free; a busy worker may also get one more small call
 * written ahead (pipelining) so it never waits on the runtime between calls. A worker runs calls
 * one at a time in order, so when one dies only the call it was running fails; the calls written
 * ahead to it had not started and are dispatched again. A call past its timeout gets its worker
 * killed and replaced. {@link #submit} never blocks: it is safe on an event loop.
 *
 * <p>Which call goes where is {@link DispatchPolicy}'s decision; the processes themselves are
 * {@link WorkerProcess}es. This class keeps the books between them under one lock.
 */
public final class WorkerPool implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WorkerPool.class);

  private final PoolConfig config;
  private final Object lock = new Object();
  private final AtomicLong ids = new AtomicLong();
  private final ScheduledExecutorService watchdog;

  @GuardedBy("lock")
  private final CallQueues queues = new CallQueues();

  @GuardedBy("lock")
  private final List<PooledWorker> workers = new ArrayList<>();

  @GuardedBy("lock")
  private int nextSlot;

  @GuardedBy("lock")
  private boolean closed;

  @GuardedBy("lock")
  private final PoolCounters counters = new PoolCounters();

  /** Counters and gauges for health and metrics. */
  public record Stats(
      int workers,
      int ready,
      int busy,
      int queued,
      long restarts,
      long crashes,
      long timeouts,
      long recycled) {}

  private WorkerPool(PoolConfig config) {
    this.config = config;
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gf-worker-watchdog");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts {@code config.workers()} Python processes; calls may be submitted at once. */
  public static WorkerPool start(PoolConfig config) {
    WorkerPool pool = new WorkerPool(config);
    synchronized (pool.lock) {
      for (int i = 0; i < config.workers(); i++) {
        pool.spawnLocked();
      }
    }
    pool.watchdog.scheduleWithFixedDelay(pool::checkTimeouts, 20, 20, TimeUnit.MILLISECONDS);
    return pool;
  }

  public PoolConfig config() {
    return config;
  }

  /** Queues a call; the future completes with its outcome and never exceptionally. */
  public CompletableFuture<CallOutcome> submit(CallRequest request) {
    long id = ids.incrementAndGet();
    CompletableFuture<CallOutcome> future = new CompletableFuture<>();
    PendingCall p = new PendingCall(id, request, WorkerProtocol.encode(id, request), future);
    CallOutcome refused = null;
    synchronized (lock) {
      if (closed) {
        refused = CallOutcome.Failure.of(FailureKind.UNAVAILABLE, "the worker pool is shut down");
      } else if (request.background()) {
        // Batch items are bounded by their producer (the batch consumer's permits).
        queues.add(p);
        dispatchLocked();
      } else if (queues.interactiveSize() >= config.queueLimit()
          && !DispatchPolicy.anyFree(viewsLocked())) {
        refused =
            CallOutcome.Failure.of(
                FailureKind.OVERLOADED, "all Python workers are busy and the queue is full");
      } else {
        queues.add(p);
        dispatchLocked();
      }
    }
    if (refused != null) {
      future.complete(refused);
    }
    return future;
  }

  /** True when at least one worker has started and answered its handshake. */
  public boolean isReady() {
    synchronized (lock) {
      return !closed && workers.stream().anyMatch(w -> w.state == State.READY);
    }
  }

  public Stats stats() {
    synchronized (lock) {
      int ready = (int) workers.stream().filter(w -> w.state == State.READY).count();
      int busy = (int) workers.stream().filter(w -> !w.inflight.isEmpty()).count();
      return new Stats(
          workers.size(),
          ready,
          busy,
          queues.size(),
          counters.restarts,
          counters.crashes,
          counters.timeouts,
          counters.recycled);
    }
  }

  /** Process ids of the live workers, for tests and diagnostics. */
  public List<Long> pids() {
    synchronized (lock) {
      return workers.stream().map(w -> w.process.pid()).toList();
    }
  }

  @Override
  public void close() {
    List<PendingCall> abandoned = new ArrayList<>();
    List<PooledWorker> all;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      abandoned.addAll(queues.drain());
      all = new ArrayList<>(workers);
      for (PooledWorker w : all) {
        abandoned.addAll(w.inflight);
        w.inflight.clear();
        w.state = State.DEAD;
      }
    }
    watchdog.shutdownNow();
    for (PendingCall p : abandoned) {
      p.complete(CallOutcome.Failure.of(FailureKind.UNAVAILABLE, "the worker pool is shut down"));
    }
    for (PooledWorker w : all) {
      w.process.closeInput();
    }
    for (PooledWorker w : all) {
      w.process.awaitExitOrKill(2);
    }
  }

  // ---- dispatch (all *Locked methods run holding `lock`) ----

  @GuardedBy("lock")
  private List<DispatchPolicy.WorkerView> viewsLocked() {
    List<DispatchPolicy.WorkerView> views = new ArrayList<>(workers.size());
    for (PooledWorker w : workers) {
      views.add(w.view());
    }
    return views;
  }

  /** Sends waiting calls as long as the policy finds a worker for one. */
  @GuardedBy("lock")
  private void dispatchLocked() {
    while (true) {
      DispatchPolicy.Choice choice =
          DispatchPolicy.choose(
              queues.interactiveHead(), queues.batchHead(), viewsLocked(), config);
      if (choice == null) {
        return;
      }
      sendLocked(workers.get(choice.worker()), queues.poll(choice.lane()));
    }
  }

  @GuardedBy("lock")
  private void sendLocked(PooledWorker w, PendingCall p) {
    w.add(p);
    if (config.maxCallsPerWorker() > 0 && w.sent >= config.maxCallsPerWorker()) {
      retireLocked(w);
    }
    if (p.frame().length <= WorkerProcess.INLINE_FRAME_LIMIT) {
      w.process.write(p.frame());
    } else {
      // A large frame could block on a full pipe: write it off the caller's thread, and write
      // nothing else to this worker until it is through so frames stay in order.
      w.writing = true;
      w.process.writeInBackground(
          p.frame(),
          () -> {
            synchronized (lock) {
              w.writing = false;
              dispatchLocked();
            }
          });
    }
  }

  /** Stops sending to a worker that has done its share; a fresh one takes its place. */
  @GuardedBy("lock")
  private void retireLocked(PooledWorker w) {
    if (w.state != State.READY) {
      return;
    }
    w.state = State.RETIRING;
    counters.recycled++;
    spawnLocked();
    if (w.drainedForRetirement()) {
      w.process.closeInput();
    }
  }

  @GuardedBy("lock")
  private void spawnLocked() {
    if (closed) {
      return;
    }
    int slot = nextSlot++;
    WorkerProcess process;
    try {
      process = WorkerProcess.spawn(config, slot);
    } catch (IOException e) {
      counters.startFailed("cannot start " + config.python() + ": " + e.getMessage());
      LOG.error(counters.lastStartError);
      scheduleRespawnLocked();
      failQueueIfHopelessLocked();
      return;
    }
    PooledWorker w = new PooledWorker(process, lock);
    workers.add(w);
    process.listen(
        new WorkerProcess.Listener(
            () -> onReady(w), a -> onAnswer(w, a), (reason, tail) -> onExit(w, reason, tail)));
  }

  @GuardedBy("lock")
  private void scheduleRespawnLocked() {
    watchdog.schedule(
        () -> {
          synchronized (lock) {
            if (!closed && workers.size() < config.workers()) {
              spawnLocked();
            }
          }
        },
        counters.respawnDelayMs(),
        TimeUnit.MILLISECONDS);
  }

  @GuardedBy("lock")
  private void failQueueIfHopelessLocked() {
    boolean anyUsable = workers.stream().anyMatch(w -> w.state == State.READY);
    if (!anyUsable && counters.startLooksHopeless() && !queues.isEmpty()) {
      String msg = "Python workers cannot start: " + counters.lastStartError;
      List<PendingCall> failed = queues.drain();
      watchdog.execute(
          () ->
              failed.forEach(
                  p -> p.complete(CallOutcome.Failure.of(FailureKind.UNAVAILABLE, msg))));
    }
  }

  // ---- events from workers ----

  private void onReady(PooledWorker w) {
    synchronized (lock) {
      if (w.state == State.STARTING) {
        w.state = State.READY;
        counters.started();
        dispatchLocked();
      }
    }
  }

  private void onAnswer(PooledWorker w, WorkerProtocol.Answer answer) {
    PendingCall done;
    synchronized (lock) {
      PendingCall head = w.inflight.peekFirst();
      if (head == null || head.id() != answer.callId()) {
        // The answer of a call already failed by the watchdog, racing the kill: drop it.
        LOG.debugf("worker %d: dropping late answer to call %d", w.process.slot, answer.callId());
        return;
      }
      done = w.pollHead();
      if (w.drainedForRetirement()) {
        w.process.closeInput();
      }
      dispatchLocked();
    }
    done.complete(
        answer.status() == WorkerProtocol.STATUS_OK
            ? new CallOutcome.Success(answer.payload())
            : WorkerProtocol.failure(answer.payload()));
  }

  private void onExit(PooledWorker w, String reason, String tail) {
    PendingCall running;
    synchronized (lock) {
      State was = w.state;
      w.state = State.DEAD;
      workers.remove(w);
      running = w.inflight.pollFirst();
      requeueWrittenAheadLocked(w);
      if (closed) {
        return;
      }
      if (was == State.STARTING) {
        counters.startFailed(tail.isEmpty() ? reason : reason + "; last output: " + tail);
        LOG.errorf("Python worker %d failed to start: %s", w.process.slot, counters.lastStartError);
        scheduleRespawnLocked();
        failQueueIfHopelessLocked();
      } else if (was != State.RETIRING || running != null) {
        replaceDeadLocked(w, reason);
      }
      dispatchLocked();
    }
    if (running != null) {
      running.complete(
          CallOutcome.Failure.of(
              FailureKind.WORKER_CRASHED, "the Python worker running this call died: " + reason));
    }
  }

  /** Calls written ahead to a dead worker had not started: they go back to the front, in order. */
  @GuardedBy("lock")
  private void requeueWrittenAheadLocked(PooledWorker w) {
    w.inflight.descendingIterator().forEachRemaining(queues::addFirst);
    w.inflight.clear();
  }

  @GuardedBy("lock")
  private void replaceDeadLocked(PooledWorker w, String reason) {
    if (!w.killedForTimeout) {
      counters.crashes++;
      LOG.warnf(
          "Python worker %d (pid %d) died: %s; replacing it",
          w.process.slot, w.process.pid(), reason);
    }
    counters.restarts++;
    if (workers.stream().filter(x -> x.state != State.RETIRING).count() < config.workers()) {
      spawnLocked();
    }
  }

  private void checkTimeouts() {
    List<PendingCall> expired = new ArrayList<>();
    List<PooledWorker> toKill = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (lock) {
      for (PooledWorker w : workers) {
        PendingCall head = w.takeExpiredHead(now, config);
        if (head != null) {
          counters.timeouts++;
          expired.add(head);
          toKill.add(w);
        }
      }
    }
    for (PooledWorker w : toKill) {
      LOG.warnf(
          "Python worker %d (pid %d) ran a call past its timeout; killing it",
          w.process.slot, w.process.pid());
      w.process.kill();
    }
    for (PendingCall p : expired) {
      p.complete(
          CallOutcome.Failure.of(
              FailureKind.TIMEOUT,
              "the call ran longer than "
                  + p.timeout(config).toMillis()
                  + " ms; its worker was replaced"));
    }
  }
}
