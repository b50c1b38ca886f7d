package io.globalfunc.core.worker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.globalfunc.core.worker.PooledWorker.State;
import io.netty.channel.EventLoopGroup;
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
 * (and every process the worker started) killed and replaced. A worker that a call left in a state
 * it cannot undo says so with its answer and retires before running anything else. {@link #submit}
 * never blocks: it is safe on an event loop.
 *
 * <p>Which call goes where is {@link DispatchPolicy}'s decision; the processes are {@link
 * WorkerProcess}es, their answers read on {@link AnswerLoops}. The books are kept under one lock.
 */
public final class WorkerPool implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WorkerPool.class);
  private static final String SHUT_DOWN = "the worker pool is shut down";
  private static final String QUEUE_FULL = "all Python workers are busy and the queue is full";

  private final PoolConfig config;
  private final AnswerLoops loops;
  private final Object lock = new Object();
  private final AtomicLong ids = new AtomicLong();
  private final ScheduledExecutorService watchdog;
  private final Completions completions = new Completions();

  @GuardedBy("lock")
  private final CallQueues queues = new CallQueues();

  @GuardedBy("lock")
  private final List<PooledWorker> workers = new ArrayList<>();

  @GuardedBy("lock")
  private final PoolCounters counters = new PoolCounters();

  @GuardedBy("lock")
  private int nextSlot;

  @GuardedBy("lock")
  private boolean closed;

  private WorkerPool(PoolConfig config, AnswerLoops loops) {
    this.config = config;
    this.loops = loops;
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> WorkerProcess.daemon(r, "gf-worker-watchdog"));
  }

  /** Starts {@code config.workers()} Python processes, read on event loops of the pool's own. */
  public static WorkerPool start(PoolConfig config) {
    return start(config, null);
  }

  /**
   * Starts {@code config.workers()} Python processes read on {@code eventLoops} (the HTTP server's:
   * a call submitted on one prefers a worker read there, and completes there; null: the pool's
   * own).
   */
  public static WorkerPool start(PoolConfig config, EventLoopGroup eventLoops) {
    WorkerPool pool = new WorkerPool(config, AnswerLoops.of(eventLoops, config.workers()));
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

  /**
   * Queues a call; the future completes with its outcome and never exceptionally. Cancelling the
   * future drops the call if it has not been written to a worker yet.
   */
  public CompletableFuture<CallOutcome> submit(CallRequest request) {
    CompletableFuture<CallOutcome> future = new CompletableFuture<>();
    enqueue(new PendingCall.Single(ids.incrementAndGet(), request, future));
    return future;
  }

  /**
   * Queues a chunk: its items run one after the other on one worker, from one frame. The future
   * completes, never exceptionally, with one outcome per item in item order; an item whose worker
   * died before it reported is {@link FailureKind#NOT_RUN} (retry it, in a smaller chunk).
   * Cancelling the future drops the chunk if it has not been written to a worker yet.
   */
  public CompletableFuture<List<CallOutcome>> submitChunk(ChunkRequest chunk) {
    CompletableFuture<List<CallOutcome>> future = new CompletableFuture<>();
    enqueue(new PendingChunk(ids.incrementAndGet(), chunk, future));
    return future;
  }

  private void enqueue(PendingCall p) {
    p.home = loops.current();
    FailureKind refused = null;
    synchronized (lock) {
      if (closed) {
        refused = FailureKind.UNAVAILABLE;
      } else if (!p.background() // batch items are bounded by their producer's permits
          && queues.interactiveSize() >= config.queueLimit()
          && !DispatchPolicy.anyFree(viewsLocked())) {
        refused = FailureKind.OVERLOADED;
      } else {
        queues.add(p);
        dispatchLocked();
      }
    }
    if (refused != null) {
      p.abandon(refused, refused == FailureKind.UNAVAILABLE ? SHUT_DOWN : QUEUE_FULL);
    }
  }

  /** True when at least one worker can take calls (started, not retiring, not being killed). */
  public boolean isReady() {
    synchronized (lock) {
      return !closed && workers.stream().anyMatch(PooledWorker::usable);
    }
  }

  public PoolStats stats() {
    synchronized (lock) {
      return counters.stats(workers, queues.size());
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
    abandoned.forEach(p -> p.abandon(FailureKind.UNAVAILABLE, SHUT_DOWN));
    all.forEach(w -> w.process.closeInput());
    all.forEach(w -> w.process.awaitExitOrKill(2));
    completions.shutdown();
    loops.close();
  }

  // ---- dispatch (all *Locked methods run holding `lock`) ----

  @GuardedBy("lock")
  private List<DispatchPolicy.WorkerView> viewsLocked() {
    return workers.stream().map(PooledWorker::view).toList();
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
    WorkerProtocol.markBusy(p.frame(), PooledWorker.othersOutstanding(workers, queues.size()));
    if (config.maxCallsPerWorker() > 0 && w.sent >= config.maxCallsPerWorker()) {
      retireLocked(w);
    }
    if (p.frame().length <= WorkerProcess.INLINE_FRAME_LIMIT) {
      w.process.write(p.frame());
    } else {
      // A large frame may block on a full pipe: write it off-thread, the next ones after it.
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
    int loop = DispatchPolicy.loopForNewWorker(viewsLocked(), loops.size());
    WorkerProcess process;
    try {
      process = WorkerProcess.spawn(config, nextSlot++, loops.socketDir(), loops.get(loop));
    } catch (IOException e) {
      counters.startFailed("cannot start " + config.python() + ": " + e.getMessage());
      LOG.error(counters.lastStartError);
      scheduleRespawnLocked();
      failQueueIfHopelessLocked();
      return;
    }
    PooledWorker w = new PooledWorker(process, lock, loop);
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
      watchdog.execute(() -> failed.forEach(p -> p.abandon(FailureKind.UNAVAILABLE, msg)));
    }
  }

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
    PooledWorker.Taken taken;
    synchronized (lock) {
      if (answer.status() == WorkerProtocol.STATUS_RETIRING) {
        retireAnnouncedLocked(w); // after its last answer: what was written since goes elsewhere
        dispatchLocked();
        return;
      }
      if (w.state == State.DEAD || !w.isForHead(answer)) {
        // The answer of a call already failed by the watchdog, racing the kill: drop it.
        LOG.debugf("worker %d: dropping late answer to call %d", w.process.slot, answer.callId());
        return;
      }
      taken = w.take(answer, config.maxResultBytes());
      if (taken.broken() != null) {
        // Python keeps to the limits and the protocol itself: this worker was tampered with.
        w.killed = true;
      } else if (answer.retire()) {
        retireAnnouncedLocked(w);
      } else if (w.drainedForRetirement()) {
        w.process.closeInput();
      }
      dispatchLocked();
    }
    if (taken.broken() != null) {
      w.process.kill(taken.why());
      PendingCall broken = taken.broken();
      completions.settle(broken, () -> broken.failRunning(taken.kind(), taken.why()));
    }
    if (taken.done() != null) {
      completions.settle(taken.done(), taken.done()::finish);
    }
  }

  /**
   * The worker retires, as it said with or just after its last answer (see gf_worker.CallGuard):
   * what was written after that call goes back to the queue, a fresh worker is started.
   */
  @GuardedBy("lock")
  private void retireAnnouncedLocked(PooledWorker w) {
    w.requeueInto(queues);
    if (w.state == State.READY) {
      w.state = State.RETIRING;
      counters.recycled++;
      spawnLocked();
    }
  }

  private void onExit(PooledWorker w, String reason, String tail) {
    PendingCall running;
    synchronized (lock) {
      State was = w.state;
      w.state = State.DEAD;
      workers.remove(w);
      // A killed worker's running call was already answered for; the rest had not started.
      running = w.killed ? null : w.inflight.pollFirst();
      w.requeueInto(queues);
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
      running.failRunning(
          FailureKind.WORKER_CRASHED, "the Python worker running this call died: " + reason);
    }
  }

  @GuardedBy("lock")
  private void replaceDeadLocked(PooledWorker w, String reason) {
    if (!w.killed) {
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
    toKill.forEach(w -> w.process.kill("ran a call past its timeout"));
    expired.forEach(p -> p.timedOut(config));
  }
}
