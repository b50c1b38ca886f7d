package io.globalfunc.runtime.library;

import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.worker.WorkerPool;
import java.util.Map;

/**
 * One commit served by this runtime: its allow-list of functions and the Python workers dedicated
 * to it. Calls hold a lease while they run, so a retired commit stops its workers only once its
 * last call has answered.
 */
public final class CommitLibrary {

  private final Library library;
  private final Map<FunctionRef, ServedFunction> functions;
  private final WorkerPool pool;
  private final Runnable whenStopped;
  private int inflight;
  private boolean retired;
  private boolean closed;
  private boolean stopped;
  private Runnable onClosed = () -> {};
  private volatile long lastUsedNanos = System.nanoTime();

  /** {@code whenStopped} runs once, after {@link #stopWorkers} (it frees the commit's checkout). */
  CommitLibrary(
      Library library,
      Map<FunctionRef, ServedFunction> functions,
      WorkerPool pool,
      Runnable whenStopped) {
    this.library = library;
    this.functions = Map.copyOf(functions);
    this.pool = pool;
    this.whenStopped = whenStopped;
  }

  /** The commit id, or {@code null} for a working folder. */
  public String commit() {
    return library.commit();
  }

  public Library library() {
    return library;
  }

  /** The allow-list: callable functions by reference. */
  public Map<FunctionRef, ServedFunction> functions() {
    return functions;
  }

  public ServedFunction function(FunctionRef ref) {
    return ref == null ? null : functions.get(ref);
  }

  public WorkerPool pool() {
    return pool;
  }

  /** Python workers this commit holds (counted against the budget until they stop). */
  public int workers() {
    return pool.config().workers();
  }

  /** Waits until one worker is up; false after {@code limit}. */
  boolean awaitReady(java.time.Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!pool.isReady()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Takes a lease for one call; false once the commit is retired. */
  synchronized boolean lease() {
    if (retired) {
      return false;
    }
    inflight++;
    lastUsedNanos = System.nanoTime();
    return true;
  }

  /** One more lease while the caller holds one (so the workers cannot have stopped). */
  synchronized void leaseAgain() {
    inflight++;
  }

  /** Ends a call's lease; the last one of a retired commit stops its workers. */
  void release() {
    boolean close;
    synchronized (this) {
      inflight--;
      lastUsedNanos = System.nanoTime();
      close = retired && inflight == 0 && !closed;
      closed |= close;
    }
    if (close) {
      stop();
    }
  }

  /** No new calls; {@code whenDrained} runs once the running calls have answered. */
  void retire(Runnable whenStopped) {
    boolean close;
    synchronized (this) {
      if (retired) {
        return;
      }
      retired = true;
      onClosed = whenStopped;
      close = inflight == 0 && !closed;
      closed |= close;
    }
    if (close) {
      stop();
    }
  }

  private void stop() {
    onClosed.run();
  }

  /**
   * Stops the workers and waits until their processes have exited (the budget counts them), then
   * frees what only they used (the commit's checkout).
   */
  void stopWorkers() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    java.util.List<Long> pids = pool.pids();
    pool.close();
    for (long pid : pids) {
      ProcessHandle.of(pid)
          .ifPresent(
              h -> {
                try {
                  h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                  h.destroyForcibly();
                }
              });
    }
    whenStopped.run();
  }

  synchronized int inflight() {
    return inflight;
  }

  synchronized boolean retired() {
    return retired;
  }

  void touch() {
    lastUsedNanos = System.nanoTime();
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }
}
