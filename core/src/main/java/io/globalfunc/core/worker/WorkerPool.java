package io.globalfunc.core.worker;

import io.globalfunc.core.python.PythonScripts;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
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
 */
public final class WorkerPool implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(WorkerPool.class);
  private static final Logger PYTHON_LOG = Logger.getLogger("gf.python");

  /** Frames up to this size are written inline: they always fit an empty pipe (64 KiB). */
  private static final int INLINE_FRAME_LIMIT = 60 * 1024;

  private static final int STDERR_TAIL = 20;

  private final PoolConfig config;
  private final Object lock = new Object();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final ArrayDeque<Pending> backgroundQueue = new ArrayDeque<>();
  private final List<Worker> workers = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final ScheduledExecutorService watchdog;
  private int nextSlot;
  private boolean closed;
  private int startFailures;
  private long restarts;
  private long crashes;
  private long timeouts;
  private long recycled;
  private String lastStartError;

  private enum State {
    STARTING,
    READY,
    RETIRING,
    DEAD
  }

  private record Pending(
      long id, CallRequest request, byte[] frame, CompletableFuture<CallOutcome> future) {}

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
    Pending p = new Pending(id, request, WorkerProtocol.encode(id, request), future);
    CallOutcome refused = null;
    synchronized (lock) {
      if (closed) {
        refused = CallOutcome.Failure.of(FailureKind.UNAVAILABLE, "the worker pool is shut down");
      } else if (request.background()) {
        // Batch items are bounded by their producer (the batch consumer's permits).
        backgroundQueue.addLast(p);
        dispatchLocked();
      } else if (queue.size() >= config.queueLimit() && !hasFreeWorkerLocked()) {
        refused =
            CallOutcome.Failure.of(
                FailureKind.OVERLOADED, "all Python workers are busy and the queue is full");
      } else {
        queue.addLast(p);
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
      int ready = 0;
      int busy = 0;
      for (Worker w : workers) {
        if (w.state == State.READY) {
          ready++;
        }
        if (!w.inflight.isEmpty()) {
          busy++;
        }
      }
      return new Stats(
          workers.size(),
          ready,
          busy,
          queue.size() + backgroundQueue.size(),
          restarts,
          crashes,
          timeouts,
          recycled);
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
    List<Pending> abandoned = new ArrayList<>();
    List<Worker> all;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      abandoned.addAll(queue);
      abandoned.addAll(backgroundQueue);
      queue.clear();
      backgroundQueue.clear();
      all = new ArrayList<>(workers);
      for (Worker w : all) {
        abandoned.addAll(w.inflight);
        w.inflight.clear();
        w.state = State.DEAD;
      }
    }
    watchdog.shutdownNow();
    for (Pending p : abandoned) {
      p.future.complete(
          CallOutcome.Failure.of(FailureKind.UNAVAILABLE, "the worker pool is shut down"));
    }
    for (Worker w : all) {
      w.closeInput();
    }
    for (Worker w : all) {
      try {
        if (!w.process.waitFor(2, TimeUnit.SECONDS)) {
          w.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        w.process.destroyForcibly();
      }
      w.awaitStderr(); // the worker's last log lines are read before close returns
    }
  }

  // ---- dispatch (all *Locked methods run holding `lock`) ----

  private boolean hasFreeWorkerLocked() {
    return workers.stream()
        .anyMatch(w -> w.state == State.READY && w.inflight.isEmpty() && !w.killedForTimeout);
  }

  private void dispatchLocked() {
    while (!queue.isEmpty()) {
      Pending next = queue.peekFirst();
      Worker target = null;
      for (Worker w : workers) {
        if (w.state == State.READY && w.inflight.isEmpty() && !w.writing && !w.killedForTimeout) {
          target = w;
          break;
        }
      }
      if (target == null && next.frame.length <= INLINE_FRAME_LIMIT) {
        for (Worker w : workers) {
          if (w.state == State.READY
              && !w.writing
              && !w.killedForTimeout
              && !w.runsBackground()
              && w.inflight.size() < config.pipelineDepth()
              && (target == null || w.inflight.size() < target.inflight.size())) {
            target = w;
          }
        }
      }
      if (target == null) {
        return;
      }
      queue.pollFirst();
      sendLocked(target, next);
    }
    dispatchBackgroundLocked();
  }

  /**
   * Batch items go only to idle workers (never written ahead of an interactive call) and to at most
   * {@code maxBackground} workers at once, after every waiting interactive call.
   */
  private void dispatchBackgroundLocked() {
    if (backgroundQueue.isEmpty() || !queue.isEmpty()) {
      return;
    }
    int running = 0;
    for (Worker w : workers) {
      for (Pending p : w.inflight) {
        if (p.request.background()) {
          running++;
        }
      }
    }
    int limit = Math.min(config.maxBackground(), config.workers());
    for (Worker w : workers) {
      if (backgroundQueue.isEmpty() || running >= limit) {
        return;
      }
      if (w.state == State.READY && w.inflight.isEmpty() && !w.writing && !w.killedForTimeout) {
        sendLocked(w, backgroundQueue.pollFirst());
        running++;
      }
    }
  }

  private void sendLocked(Worker w, Pending p) {
    w.inflight.addLast(p);
    w.sent++;
    if (w.inflight.size() == 1) {
      w.headStartedNanos = System.nanoTime();
    }
    if (config.maxCallsPerWorker() > 0 && w.sent >= config.maxCallsPerWorker()) {
      retireLocked(w);
    }
    if (p.frame.length <= INLINE_FRAME_LIMIT) {
      w.write(p.frame);
    } else {
      // A large frame could block on a full pipe: write it off the caller's thread, and write
      // nothing else to this worker until it is through so frames stay in order.
      w.writing = true;
      Thread t =
          new Thread(
              () -> {
                w.write(p.frame);
                synchronized (lock) {
                  w.writing = false;
                  dispatchLocked();
                }
              },
              "gf-worker-" + w.slot + "-writer");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Stops sending to a worker that has done its share; a fresh one takes its place. */
  private void retireLocked(Worker w) {
    if (w.state != State.READY) {
      return;
    }
    w.state = State.RETIRING;
    recycled++;
    spawnLocked();
    if (w.inflight.isEmpty() && !w.writing) {
      w.closeInput();
    }
  }

  private void spawnLocked() {
    if (closed) {
      return;
    }
    int slot = nextSlot++;
    List<String> command =
        List.of(
            config.python(),
            "-B",
            "-u",
            PythonScripts.WORKER.path().toString(),
            config.libraryDir().toAbsolutePath().toString(),
            Long.toString(config.memoryCapBytes()));
    ProcessBuilder pb = new ProcessBuilder(command);
    if (config.workDir() != null) {
      try {
        Files.createDirectories(config.workDir());
      } catch (IOException e) {
        LOG.warnf("cannot create work dir %s: %s", config.workDir(), e.getMessage());
      }
      pb.directory(config.workDir().toFile());
    }
    WorkerEnvironment.scrub(pb.environment());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      lastStartError = "cannot start " + config.python() + ": " + e.getMessage();
      LOG.error(lastStartError);
      startFailures++;
      scheduleRespawnLocked();
      failQueueIfHopelessLocked();
      return;
    }
    Worker w = new Worker(slot, process);
    workers.add(w);
    w.startThreads();
  }

  private void scheduleRespawnLocked() {
    long delayMs = Math.min(30_000, 250L << Math.min(7, Math.max(0, startFailures - 1)));
    watchdog.schedule(
        () -> {
          synchronized (lock) {
            if (!closed && workers.size() < config.workers()) {
              spawnLocked();
            }
          }
        },
        delayMs,
        TimeUnit.MILLISECONDS);
  }

  private void failQueueIfHopelessLocked() {
    boolean anyUsable = workers.stream().anyMatch(w -> w.state == State.READY);
    if (!anyUsable && startFailures >= 3 && !(queue.isEmpty() && backgroundQueue.isEmpty())) {
      String msg = "Python workers cannot start: " + lastStartError;
      List<Pending> failed = new ArrayList<>(queue);
      failed.addAll(backgroundQueue);
      queue.clear();
      backgroundQueue.clear();
      watchdog.execute(
          () ->
              failed.forEach(
                  p -> p.future.complete(CallOutcome.Failure.of(FailureKind.UNAVAILABLE, msg))));
    }
  }

  // ---- events from workers ----

  private void onReady(Worker w) {
    synchronized (lock) {
      if (w.state == State.STARTING) {
        w.state = State.READY;
        startFailures = 0;
        dispatchLocked();
      }
    }
  }

  private void onAnswer(Worker w, WorkerProtocol.Answer answer) {
    Pending done;
    synchronized (lock) {
      Pending head = w.inflight.peekFirst();
      if (head == null || head.id != answer.callId()) {
        // The answer of a call already failed by the watchdog, racing the kill: drop it.
        LOG.debugf("worker %d: dropping late answer to call %d", w.slot, answer.callId());
        return;
      }
      done = w.inflight.pollFirst();
      if (!w.inflight.isEmpty()) {
        w.headStartedNanos = System.nanoTime();
      }
      if (w.state == State.RETIRING && w.inflight.isEmpty() && !w.writing) {
        w.closeInput();
      }
      dispatchLocked();
    }
    done.future.complete(
        answer.status() == WorkerProtocol.STATUS_OK
            ? new CallOutcome.Success(answer.payload())
            : WorkerProtocol.failure(answer.payload()));
  }

  private void onExit(Worker w) {
    int code;
    try {
      code = w.process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = -1;
    }
    w.awaitStderr();
    Pending running;
    String reason = describeExit(code);
    String tail = w.stderrTail();
    synchronized (lock) {
      State was = w.state;
      w.state = State.DEAD;
      workers.remove(w);
      running = w.inflight.pollFirst();
      // Calls written ahead had not started: they go back to the front, in order.
      Iterator<Pending> back = w.inflight.descendingIterator();
      while (back.hasNext()) {
        Pending p = back.next();
        (p.request.background() ? backgroundQueue : queue).addFirst(p);
      }
      w.inflight.clear();
      if (closed) {
        return;
      }
      if (was == State.STARTING) {
        startFailures++;
        lastStartError = tail.isEmpty() ? reason : reason + "; last output: " + tail;
        LOG.errorf("Python worker %d failed to start: %s", w.slot, lastStartError);
        scheduleRespawnLocked();
        failQueueIfHopelessLocked();
      } else if (was != State.RETIRING || running != null) {
        if (!w.killedForTimeout) {
          crashes++;
        }
        restarts++;
        if (!w.killedForTimeout) {
          LOG.warnf(
              "Python worker %d (pid %d) died: %s; replacing it", w.slot, w.process.pid(), reason);
        }
        if (workers.stream().filter(x -> x.state != State.RETIRING).count() < config.workers()) {
          spawnLocked();
        }
      }
      dispatchLocked();
    }
    if (running != null) {
      running.future.complete(
          CallOutcome.Failure.of(
              FailureKind.WORKER_CRASHED, "the Python worker running this call died: " + reason));
    }
  }

  /** How a worker ended; never its output, which may belong to other callers' calls. */
  private static String describeExit(int code) {
    if (code > 128 && code < 160) {
      return "killed by signal " + (code - 128) + signalName(code - 128);
    }
    return "exited with code " + code;
  }

  private static String signalName(int sig) {
    return switch (sig) {
      case 6 -> " (SIGABRT)";
      case 9 -> " (SIGKILL, e.g. out of memory)";
      case 11 -> " (SIGSEGV)";
      case 15 -> " (SIGTERM)";
      default -> "";
    };
  }

  private void checkTimeouts() {
    List<Pending> expired = new ArrayList<>();
    List<Worker> toKill = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (lock) {
      for (Worker w : workers) {
        Pending head = w.inflight.peekFirst();
        if (head == null || w.killedForTimeout || w.state == State.DEAD) {
          continue;
        }
        Duration limit =
            head.request.timeout() != null ? head.request.timeout() : config.defaultTimeout();
        if (now - w.headStartedNanos > limit.toNanos()) {
          w.inflight.pollFirst();
          w.killedForTimeout = true;
          timeouts++;
          expired.add(head);
          toKill.add(w);
        }
      }
    }
    for (Worker w : toKill) {
      LOG.warnf(
          "Python worker %d (pid %d) ran a call past its timeout; killing it",
          w.slot, w.process.pid());
      w.process.destroyForcibly();
    }
    for (Pending p : expired) {
      Duration limit = p.request.timeout() != null ? p.request.timeout() : config.defaultTimeout();
      p.future.complete(
          CallOutcome.Failure.of(
              FailureKind.TIMEOUT,
              "the call ran longer than " + limit.toMillis() + " ms; its worker was replaced"));
    }
  }

  /** One Python process with its in-flight calls, in the order they were written to it. */
  private final class Worker {
    final int slot;
    final Process process;
    final OutputStream stdin;
    final ArrayDeque<Pending> inflight = new ArrayDeque<>();
    final ArrayDeque<String> stderrTail = new ArrayDeque<>();
    State state = State.STARTING;
    long sent;
    long headStartedNanos;
    boolean writing;
    volatile boolean killedForTimeout;
    private Thread stderrThread;

    Worker(int slot, Process process) {
      this.slot = slot;
      this.process = process;
      this.stdin = process.getOutputStream();
    }

    void startThreads() {
      Thread reader = new Thread(this::readAnswers, "gf-worker-" + slot + "-reader");
      reader.setDaemon(true);
      stderrThread = new Thread(this::readLog, "gf-worker-" + slot + "-log");
      stderrThread.setDaemon(true);
      stderrThread.start();
      reader.start();
    }

    /** True while a batch item is in flight here: never queue an interactive call behind it. */
    boolean runsBackground() {
      for (Pending p : inflight) {
        if (p.request.background()) {
          return true;
        }
      }
      return false;
    }

    void write(byte[] frame) {
      try {
        stdin.write(frame);
        stdin.flush();
      } catch (IOException e) {
        // The process is gone; the reader sees the end of its output and handles the exit.
        LOG.debugf("write to worker %d failed: %s", slot, e.getMessage());
      }
    }

    void closeInput() {
      try {
        stdin.close();
      } catch (IOException ignored) {
        // already closed or dead: the reader handles it
      }
    }

    private void readAnswers() {
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16))) {
        while (true) {
          WorkerProtocol.Answer answer = WorkerProtocol.read(in);
          if (answer.status() == WorkerProtocol.STATUS_READY) {
            onReady(this);
          } else {
            onAnswer(this, answer);
          }
        }
      } catch (IOException endOfWorker) {
        // EOF: the process exited or was killed
      } catch (RuntimeException e) {
        LOG.errorf(e, "worker %d reader failed", slot);
        process.destroyForcibly();
      }
      onExit(this);
    }

    private void readLog() {
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          PYTHON_LOG.infof("[worker %d] %s", slot, line);
          synchronized (stderrTail) {
            if (stderrTail.size() == STDERR_TAIL) {
              stderrTail.pollFirst();
            }
            stderrTail.addLast(line);
          }
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    }

    void awaitStderr() {
      try {
        stderrThread.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String stderrTail() {
      synchronized (stderrTail) {
        List<String> lines = new ArrayList<>(stderrTail);
        int from = Math.max(0, lines.size() - 3);
        return String.join(" | ", lines.subList(from, lines.size()));
      }
    }
  }
}
