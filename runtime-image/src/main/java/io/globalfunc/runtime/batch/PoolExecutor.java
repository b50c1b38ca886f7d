package io.globalfunc.runtime.batch;

import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.library.ServedFunction;
import io.globalfunc.runtime.library.ServedLibrary;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Runs batch items on this runtime's own Python workers, in background frames of the release
 * commit's pool: at most the pool's batch share of workers at once, behind interactive calls.
 */
final class PoolExecutor implements ItemExecutor {

  /** Tasks read ahead per worker that batch items may hold. */
  private static final int PREFETCH_PER_WORKER = 8;

  private final ServedLibrary library;
  private FrameFeeder feeder;
  private WorkerPool feederPool;

  PoolExecutor(ServedLibrary library) {
    this.library = library;
  }

  @Override
  public CompletableFuture<List<CallOutcome>> run(FunctionRef ref, List<Item> items) {
    return feeder().run(ref, items.stream().map(Item::kwargs).toList()).outcomes();
  }

  /** The feeder of the release commit's pool, made anew after an in-place release switch. */
  static FrameFeeder background(WorkerPool pool) {
    return new FrameFeeder(pool, new ChunkSizer(), pool.config().maxBackground(), true);
  }

  private synchronized FrameFeeder feeder() {
    WorkerPool pool = library.pool();
    if (pool != feederPool) {
      feeder = background(pool);
      feederPool = pool;
    }
    return feeder;
  }

  @Override
  public boolean ready() {
    WorkerPool pool = library.pool();
    return pool != null && pool.isReady();
  }

  @Override
  public FunctionRef served(String name) {
    ServedFunction fn = library.function(FunctionRef.parseOrNull(name));
    return fn == null ? null : fn.ref();
  }

  @Override
  public Set<String> callNames() {
    Set<String> names = new LinkedHashSet<>();
    library.functions().keySet().forEach(r -> names.add(r.callName()));
    return names;
  }

  @Override
  public int tasksAtOnce() {
    return Math.max(1, library.pool().config().maxBackground()) * PREFETCH_PER_WORKER;
  }
}
