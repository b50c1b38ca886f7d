package io.globalfunc.runtime.library;

import io.globalfunc.core.versions.CommitBudget;
import io.globalfunc.core.versions.RefPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The owner of every commit this runtime serves: the release's commit (never evicted, switched in
 * place by {@link #switchTo}) and the commits callers name by ref, each with its own {@link
 * CommitLibrary} started on first use. Enforces {@code GF_MAX_COMMITS} (least recently used first)
 * and the worker budget ({@link CommitBudget}), and stops commits that stay idle. A commit's
 * checkout goes with its workers (see {@link CommitLoader#loadCommit}).
 */
public final class CommitPools implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CommitPools.class);

  /** What one commit is doing, for {@code GET /v1/commits}. */
  public record CommitState(
      String commit, String role, int workers, int inflight, long idleMillis) {}

  private final CommitLoader loader;
  private final Mirror mirror;
  private final RefPolicy policy;
  private final CommitBudget budget;
  private final String branch;
  private final Duration idle;
  private final Duration wait;
  private final ExecutorService executor;
  private final ScheduledExecutorService reaper;
  private final Object switchLock = new Object();
  private final RecentRefs refs = new RecentRefs();
  private final Consumer<CommitLibrary> onRelease;

  private volatile CommitLibrary current;
  private final Map<String, CommitLibrary> warm = new HashMap<>();
  private final Map<String, CompletableFuture<CommitLibrary>> loading = new HashMap<>();
  private final Set<CommitLibrary> draining = new LinkedHashSet<>();
  private int reservedWorkers;
  private int reservedCommits;

  CommitPools(
      CommitLoader loader,
      Mirror mirror,
      RefPolicy policy,
      CommitBudget budget,
      String branch,
      CommitLibrary first,
      Duration idle,
      Duration wait,
      Consumer<CommitLibrary> onRelease) {
    this.loader = loader;
    this.mirror = mirror;
    this.policy = policy;
    this.budget = budget;
    this.branch = branch;
    this.current = first;
    this.idle = idle;
    this.wait = wait;
    this.onRelease = onRelease;
    this.executor = Executors.newCachedThreadPool(DaemonThreads.named("gf-commits"));
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("gf-commits-reaper"));
    long every = Math.max(200, Math.min(10_000, idle.toMillis() / 10));
    reaper.scheduleWithFixedDelay(this::stopIdle, every, every, TimeUnit.MILLISECONDS);
  }

  /** The release's commit. */
  public CommitLibrary current() {
    return current;
  }

  public CommitBudget budget() {
    return budget;
  }

  public RefPolicy policy() {
    return policy;
  }

  /** A lease on the release's commit: what a call without a ref runs on. */
  public Lease leaseCurrent() {
    while (true) {
      CommitLibrary lib = current;
      if (lib.lease()) {
        return new Lease(lib, null);
      }
      Thread.onSpinWait(); // the release was switched between the read and the lease
    }
  }

  /**
   * A lease on the commit a ref names ({@code null}: the release's commit), starting its workers on
   * first use. Fails with a {@link RefException} for an unknown or refused ref.
   */
  public CompletableFuture<Lease> lease(String ref) {
    if (ref == null) {
      return CompletableFuture.completedFuture(leaseCurrent());
    }
    String recent = refs.commit(ref);
    if (recent != null) {
      Lease l = tryLease(recent, ref);
      if (l != null) {
        return CompletableFuture.completedFuture(l);
      }
    }
    return CompletableFuture.supplyAsync(() -> leaseResolved(ref), executor);
  }

  /**
   * Makes the commit a ref names the release's commit in place: starts its workers, waits until one
   * is up, sends new calls to it, and stops the old commit's workers once its calls answered.
   */
  public CompletableFuture<CommitLibrary> switchTo(String ref) {
    return CompletableFuture.supplyAsync(() -> switchNow(ref), executor);
  }

  private CommitLibrary switchNow(String ref) {
    synchronized (switchLock) {
      String commit = resolveAllowed(ref, true);
      CommitLibrary old = current;
      if (commit.equals(old.commit())) {
        return old;
      }
      CommitLibrary next =
          loader.loadCommit(
              mirror.gitDir(), mirror.source(), branch, commit, budget.defaultWorkers());
      install(next, "replaced by " + commit);
      LOG.infof("release switched from %s to %s in place", old.commit(), commit);
      return next;
    }
  }

  /** Makes a started library (the served folder, reloaded) the release's, as a switch does. */
  public void replaceCurrent(CommitLibrary next) {
    synchronized (switchLock) {
      install(next, "reloaded");
    }
  }

  /** Once a worker of {@code next} is up (else stops it), sends it new calls; drains the old. */
  private void install(CommitLibrary next, String why) {
    if (!next.awaitReady(wait)) {
      next.retire(() -> executor.execute(next::stopWorkers));
      throw new RefException(RefException.Reason.UNAVAILABLE, "new Python workers did not start");
    }
    CommitLibrary old;
    synchronized (this) {
      Optional.ofNullable(warm.get(next.commit()))
          .ifPresent(same -> retireLocked(same, "now the release's commit"));
      old = current;
      current = next;
      draining.add(old);
    }
    refs.clear();
    onRelease.accept(next); // under the switch lock: listeners see the releases in order
    retire(old, why);
  }

  private Lease leaseResolved(String ref) {
    String commit = resolveAllowed(ref, false);
    refs.put(ref, commit);
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      Lease l = tryLease(commit, ref);
      if (l != null) {
        return l;
      }
      CommitLibrary lib = load(commit);
      if (lib.lease()) {
        return new Lease(lib, ref);
      }
      // Evicted between its start and this lease by a burst of other refs: start it again.
    }
    throw new RefException(
        RefException.Reason.UNAVAILABLE, "commit " + commit + " keeps being evicted; retry later");
  }

  private Lease tryLease(String commit, String ref) {
    CommitLibrary lib = current;
    if (!commit.equals(lib.commit())) {
      synchronized (this) {
        lib = warm.get(commit);
      }
    }
    return lib != null && lib.lease() ? new Lease(lib, ref) : null;
  }

  /** The commit a ref names, when the release allows it. */
  private String resolveAllowed(String ref, boolean fresh) {
    if (mirror == null) {
      throw new RefException(
          RefException.Reason.UNKNOWN_REF,
          "this runtime serves a folder outside Git: no ref " + ref + " can be named");
    }
    return mirror.allowedCommit(ref, fresh, policy, current.commit());
  }

  /** The warm library of a commit, loading it (once, however many callers ask) when cold. */
  private CommitLibrary load(String commit) {
    CompletableFuture<CommitLibrary> mine = null;
    CompletableFuture<CommitLibrary> theirs;
    synchronized (this) {
      CommitLibrary lib = warm.get(commit);
      if (lib != null) {
        return lib;
      }
      theirs = loading.get(commit);
      if (theirs == null) {
        mine = new CompletableFuture<>();
        loading.put(commit, mine);
      }
    }
    if (theirs != null) {
      try {
        return theirs.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
    }
    try {
      reserve();
      CommitLibrary lib;
      try {
        lib = loader.loadCommit(mirror.gitDir(), mirror.source(), branch, commit, budget.share());
      } catch (RuntimeException e) {
        unreserve();
        throw e;
      }
      synchronized (this) {
        reservedWorkers -= budget.share();
        reservedCommits--;
        warm.put(commit, lib);
        loading.remove(commit);
        lib.touch(); // the least recently used choice must not pick a commit not yet called
        notifyAll();
      }
      mine.complete(lib);
      return lib;
    } catch (RuntimeException e) {
      synchronized (this) {
        loading.remove(commit);
      }
      mine.completeExceptionally(e);
      throw e;
    }
  }

  /** Waits until one more commit fits, stopping the least recently used ones to make room. */
  private synchronized void reserve() {
    if (budget.maxCommits() <= 1) {
      throw new RefException(
          RefException.Reason.UNAVAILABLE,
          "GF_MAX_COMMITS is 1: only the release's commit is served");
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      int others = warm.size() + reservedCommits;
      if (budget.fits(others, liveWorkersLocked())) {
        reservedWorkers += budget.share();
        reservedCommits++;
        return;
      }
      List<CommitBudget.Warm> candidates = new ArrayList<>();
      warm.values()
          .forEach(
              w ->
                  candidates.add(
                      new CommitBudget.Warm(w.commit(), w.lastUsedNanos(), w.workers())));
      for (String victim : budget.victims(candidates, others, liveWorkersLocked())) {
        retireLocked(warm.get(victim), "least recently used");
      }
      if (budget.fits(warm.size() + reservedCommits, liveWorkersLocked())) {
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new RefException(
            RefException.Reason.UNAVAILABLE,
            "no room for another commit: every warm commit is still answering calls");
      }
      try {
        wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RefException(RefException.Reason.UNAVAILABLE, "interrupted");
      }
    }
  }

  private synchronized void unreserve() {
    reservedWorkers -= budget.share();
    reservedCommits--;
    notifyAll();
  }

  /** Workers running or starting: warm, draining and reserved, the release's included. */
  private int liveWorkersLocked() {
    int live = current.workers() + reservedWorkers;
    for (CommitLibrary w : warm.values()) {
      live += w.workers();
    }
    for (CommitLibrary d : draining) {
      live += d.workers();
    }
    return live;
  }

  /** Python workers running or starting over every commit. */
  public synchronized int liveWorkers() {
    return liveWorkersLocked();
  }

  private void retireLocked(CommitLibrary lib, String why) {
    warm.remove(lib.commit());
    draining.add(lib);
    LOG.infof("stopping the workers of commit %s (%s)", lib.commit(), why);
    executor.execute(() -> retire(lib, why));
  }

  private void retire(CommitLibrary lib, String why) {
    lib.retire(
        () ->
            executor.execute(
                () -> {
                  lib.stopWorkers();
                  synchronized (this) {
                    draining.remove(lib);
                    notifyAll();
                  }
                }));
  }

  private synchronized void stopIdle() {
    long now = System.nanoTime();
    for (CommitLibrary w : List.copyOf(warm.values())) {
      if (w.inflight() == 0 && now - w.lastUsedNanos() > idle.toNanos()) {
        retireLocked(w, "idle for " + idle);
      }
    }
  }

  /** Every commit this runtime holds workers for, the release's first. */
  public synchronized List<CommitState> states() {
    long now = System.nanoTime();
    List<CommitState> out = new ArrayList<>();
    out.add(state(current, "release", now));
    warm.values().forEach(w -> out.add(state(w, "warm", now)));
    draining.forEach(d -> out.add(state(d, "draining", now)));
    return out;
  }

  private static CommitState state(CommitLibrary lib, String role, long now) {
    return new CommitState(
        lib.commit(),
        role,
        lib.workers(),
        lib.inflight(),
        TimeUnit.NANOSECONDS.toMillis(now - lib.lastUsedNanos()));
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    List<CommitLibrary> all = new ArrayList<>();
    synchronized (this) {
      all.add(current);
      all.addAll(warm.values());
      all.addAll(draining);
      warm.clear();
    }
    all.forEach(l -> l.pool().close());
    executor.shutdownNow();
    loader.close(); // deletes the checkouts
    if (mirror != null) {
      mirror.close();
    }
  }
}
