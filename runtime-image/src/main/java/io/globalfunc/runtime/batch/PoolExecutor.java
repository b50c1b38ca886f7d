package io.globalfunc.runtime.batch;

import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.JsonItem;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.library.Lease;
import io.globalfunc.runtime.library.Provenance;
import io.globalfunc.runtime.library.ServedFunction;
import io.globalfunc.runtime.library.ServedLibrary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Runs batch items on this runtime's own Python workers, in background frames of the pool of the
 * commit a task names (the release's, or a ref's): at most the pool's batch share of workers at
 * once, behind interactive calls; each task holds a lease on its commit.
 */
final class PoolExecutor implements ItemExecutor {

  /** Tasks read ahead per worker that batch items may hold. */
  private static final int PREFETCH_PER_WORKER = 8;

  private final ServedLibrary library;
  private final String worker;
  private final Map<WorkerPool, FrameFeeder> feeders = new HashMap<>();

  PoolExecutor(ServedLibrary library, String worker) {
    this.library = library;
    this.worker = worker;
  }

  /** The background feeder of a pool: the batch share of its workers, behind interactive calls. */
  static FrameFeeder background(WorkerPool pool) {
    return new FrameFeeder(pool, new ChunkSizer(), pool.config().maxBackground(), true);
  }

  /**
   * The feeder of a commit's pool (the release's, or a ref's a batch names); a switch or a reload
   * makes a new pool, so a new feeder, and the feeders of stopped pools are dropped.
   */
  private synchronized FrameFeeder feeder(WorkerPool pool) {
    feeders.keySet().removeIf(p -> !p.isReady() && p != pool);
    return feeders.computeIfAbsent(pool, PoolExecutor::background);
  }

  @Override
  public CompletableFuture<Target> target(FunctionName.RefCall call) {
    FunctionRef ref = FunctionRef.parseOrNull(call.packFunc());
    if (library.commits() == null) {
      return CompletableFuture.completedFuture(new LeaseTarget(null, null));
    }
    return library
        .commits()
        .lease(call.ref())
        .thenApply(
            lease -> new LeaseTarget(lease, ref == null ? null : lease.library().function(ref)));
  }

  /** A task's items on the commit {@code lease} holds, with that commit's provenance. */
  private final class LeaseTarget implements Target {
    private final Lease lease;
    private final ServedFunction fn;
    private final Map<String, String> provenance;

    LeaseTarget(Lease lease, ServedFunction fn) {
      this.lease = lease;
      this.fn = fn;
      this.provenance =
          fn == null ? Map.of() : Provenance.of(lease, fn, worker, null).envelopeFields();
    }

    @Override
    public FunctionRef function() {
      return fn == null ? null : fn.ref();
    }

    @Override
    public CompletableFuture<List<CallOutcome>> run(List<Item> items) {
      List<JsonItem> kwargs = new ArrayList<>(items.size());
      for (Item item : items) {
        kwargs.add(item.kwargs());
      }
      return feeder(lease.library().pool()).run(fn.ref(), kwargs).outcomes();
    }

    @Override
    public Map<String, String> provenance() {
      return provenance;
    }

    @Override
    public void close() {
      if (lease != null) {
        lease.close();
      }
    }
  }

  @Override
  public boolean ready() {
    WorkerPool pool = library.pool();
    return pool != null && pool.isReady();
  }

  @Override
  public Set<String> callNames() {
    Set<String> names = new LinkedHashSet<>();
    library.functions().keySet().forEach(r -> names.add(r.callName()));
    return names;
  }

  @Override
  public int tasksToRead(int free) {
    WorkerPool pool = library.pool();
    ReadAhead.Backlog held = ReadAhead.Backlog.IDLE;
    synchronized (this) {
      for (FrameFeeder f : feeders.values()) {
        held = held.plus(f.backlog());
      }
    }
    return ReadAhead.tasks(free, held, pool == null ? 1 : pool.config().maxBackground());
  }

  @Override
  public int tasksAtOnce() {
    return Math.max(1, library.pool().config().maxBackground()) * PREFETCH_PER_WORKER;
  }
}
