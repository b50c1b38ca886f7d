package io.globalfunc.core.catalog;

import io.globalfunc.core.catalog.search.CatalogIndex;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One save, carried out: the {@link SavePlan}'s homes written a few at once ({@link HomeWrite}
 * each), then the removals, the revision bump, the cache invalidation and the search-index update.
 * A content lives in its current document; only contents a save displaces (changed files) move to
 * {@code _blobs} first. So any saved commit stays regenerable, a failure part-way leaves at most
 * extra blobs or a partial upsert, and a re-run completes it.
 */
final class CatalogSave {

  /** Homes written at once: they are independent collections. */
  private static final int WRITERS = 4;

  private final CatalogBackend backend;
  private final SearchIndexSync search;
  private final SavePlan plan;
  private final Map<FunctionRef, FunctionInfo> infos;
  private final SaveListener listener;
  private final Date now = new Date();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger changed = new AtomicInteger();
  private final AtomicInteger notCallable = new AtomicInteger();
  private final Set<String> cacheKeys = ConcurrentHashMap.newKeySet();
  private final List<CatalogIndex.Item> indexed = Collections.synchronizedList(new ArrayList<>());
  private final List<String> warnings;

  /** Documents marked removed (only the saving thread writes it, after the homes). */
  private int removed;

  /** What each written home held before the save (read once, reused to find removals). */
  private final Map<String, Map<String, MongoCatalogStore.Held>> heldBefore =
      new ConcurrentHashMap<>();

  CatalogSave(
      CatalogBackend backend,
      SearchIndexSync search,
      SavePlan plan,
      Map<FunctionRef, FunctionInfo> infos,
      SaveListener listener) {
    this.backend = backend;
    this.search = search;
    this.plan = plan;
    this.infos = infos;
    this.listener = listener;
    this.warnings = Collections.synchronizedList(new ArrayList<>(plan.warnings()));
  }

  /** Writes the plan and reports what it did. */
  SaveReport run() {
    long started = System.nanoTime();
    return backend.mongo(
        () -> {
          long revisionBefore = backend.store.revision();
          listener.progress(0, plan.total());
          List<Callable<Void>> writes = new ArrayList<>();
          plan.homes().values().forEach(home -> writes.add(() -> writeHome(home)));
          runAll(writes);
          SavePlan.Removals removals = removeWhatLeft();
          long revision = backend.store.bumpRevision();
          invalidateCache();
          if (revision == revisionBefore + 1) {
            search.afterSave(indexed, removals.unindexed(), revision);
          }
          return new SaveReport(
              plan.space(),
              plan.branch(),
              plan.commit(),
              plan.functions(),
              changed.get(),
              removed,
              notCallable.get(),
              plan.files(),
              List.copyOf(warnings),
              Duration.ofNanos(System.nanoTime() - started));
        });
  }

  /** Saves one home: displaced contents, documents, the commit's manifest. */
  private Void writeHome(SavePlan.Home home) {
    MongoCatalogStore store = backend.store;
    Map<String, MongoCatalogStore.Held> before = store.held(home.collection());
    heldBefore.put(home.collection(), before);
    HomeWrite w = HomeWrite.plan(plan.slots().get(home.collection()), before, infos, plan.commit());
    if (!w.displaced().isEmpty()) {
      store.putBlobs(store.contents(home.collection(), w.displaced()));
    }
    changed.addAndGet(w.changed());
    notCallable.addAndGet(w.notCallable());
    cacheKeys.addAll(w.cacheKeys());
    indexed.addAll(w.indexed());
    if (w.unchanged() > 0) {
      progress(w.unchanged());
    }
    store.upsert(home.collection(), w.docs(), w.newIds(), now, this::progress);
    if (!w.schemas().isEmpty()) {
      store.setSchemas(home.collection(), w.schemas());
    }
    store.putManifest(
        home.collection(),
        plan.branch(),
        plan.commit(),
        w.manifest(),
        w.fileManifest(),
        plan.wholeRelease(),
        now);
    return null;
  }

  private void progress(int n) {
    listener.progress(done.addAndGet(n), plan.total());
  }

  /** For a whole release: marks removed what the branch held and the release no longer has. */
  private SavePlan.Removals removeWhatLeft() {
    if (!plan.wholeRelease()) {
      return plan.removals(List.of(), Map.of());
    }
    MongoCatalogStore store = backend.store;
    List<SavePlan.Home> held = new ArrayList<>();
    store.tiers(plan.branch()).forEach(pb -> held.add(new SavePlan.Home(pb.tier2(), pb)));
    store.fileCollections(plan.branch()).forEach(c -> held.add(new SavePlan.Home(c, null)));
    Map<String, Map<String, MongoCatalogStore.Held>> before = new HashMap<>(heldBefore);
    held.forEach(h -> before.computeIfAbsent(h.collection(), store::held));
    SavePlan.Removals removals = plan.removals(held, before);
    removals
        .gone()
        .forEach((coll, ids) -> removed += store.markRemoved(coll, ids, plan.commit(), now));
    removals
        .emptyManifests()
        .forEach(
            coll ->
                store.putManifest(
                    coll, plan.branch(), plan.commit(), Map.of(), List.of(), true, now));
    cacheKeys.addAll(removals.cacheKeys());
    return removals;
  }

  private void invalidateCache() {
    RedisCache cache = backend.cache;
    if (cache != null && !cache.invalidate(cacheKeys)) {
      warnings.add(
          "Redis at "
              + cache.location()
              + " is unavailable: cached entries expire within "
              + CatalogBackend.CACHE_TTL.toMinutes()
              + " min");
    }
  }

  /** Runs the writes on a few threads; the first failure is rethrown as it was thrown. */
  private static void runAll(List<Callable<Void>> tasks) {
    if (tasks.size() <= 1) {
      for (Callable<Void> t : tasks) {
        callUnchecked(t);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(WRITERS, tasks.size()));
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Callable<Void> t : tasks) {
        futures.add(pool.submit(t));
      }
      for (Future<Void> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          futures.forEach(other -> other.cancel(true));
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CatalogException(CatalogException.Reason.IO, "interrupted while saving");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void callUnchecked(Callable<Void> task) {
    try {
      task.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
