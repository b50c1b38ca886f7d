package io.globalfunc.runtime.library;

import io.globalfunc.core.library.DirectoryLibraryReader;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.GitCredentials;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.versions.CommitBudget;
import io.globalfunc.core.versions.RefPolicy;
import io.globalfunc.core.versions.RefResolver;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.SecretFiles;
import io.netty.channel.EventLoopGroup;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.jboss.logging.Logger;

/**
 * The library this runtime serves: the release's commit, loaded at start-up from a folder, from Git
 * at a pinned commit, or from a shared mirror, plus the commits callers name by ref ({@link
 * CommitPools}). The release's callables are the allow-list of calls without a ref.
 */
@ApplicationScoped
public class ServedLibrary {

  private static final Logger LOG = Logger.getLogger(ServedLibrary.class);

  private final RuntimeConfig config;
  private final Event<ReleaseChanged> releases;

  /** The HTTP server's event loops: workers' answers are read there (see WorkerPool#start). */
  private final EventLoopGroup eventLoops;

  private volatile CommitPools commits;
  private volatile String loadError;
  private volatile String branch;
  private volatile LibraryWatcher watcher;

  ServedLibrary(RuntimeConfig config, Vertx vertx, Event<ReleaseChanged> releases) {
    this.config = config;
    this.releases = releases;
    this.eventLoops = vertx.nettyEventLoopGroup();
  }

  void onStart(@Observes StartupEvent event) {
    SecretFiles.warnAboutPlainSecrets();
    if (config.fetchOnly()) {
      fetchOnlyAndExit();
      return;
    }
    if (config.fetchAgent()) {
      loadError = "this is a fetch agent: it serves no library";
      return;
    }
    if (config.batchAgent()) {
      loadError = "this is a batch agent: it serves no library";
      return;
    }
    try {
      load();
    } catch (RuntimeException e) {
      // Stay up and report not-ready with the reason rather than crash-looping.
      loadError = e.getMessage();
      LOG.errorf("cannot load the function library: %s", e.getMessage());
    }
    if (config.reload() && config.functionsDir().isPresent()) {
      watch(config.functionsDir().get().toAbsolutePath().normalize());
    }
  }

  private void watch(Path dir) {
    try {
      watcher = LibraryWatcher.start(dir, this::reload);
      LOG.infof("reloading on changes under %s", dir);
    } catch (IOException e) {
      LOG.errorf("cannot watch %s for changes: %s", dir, e.getMessage());
    }
  }

  /**
   * Loads the folder again with fresh workers (each imports the saved code) and makes them the
   * release's in place, through the same lease/drain path as a release switch: calls after the swap
   * only ever meet the new code, calls already leased finish on the old workers.
   */
  private synchronized void reload() {
    CommitPools c = commits;
    try {
      if (c == null) {
        load(); // the first load failed: start over
      } else {
        Path dir = config.functionsDir().get().toAbsolutePath().normalize();
        c.replaceCurrent(serveFolder(new CommitLoader(config, eventLoops), dir, workers()));
      }
      loadError = null;
    } catch (RuntimeException e) {
      LOG.errorf("reload failed, still serving the previous code: %s", e.getMessage());
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    LibraryWatcher w = watcher;
    if (w != null) {
      w.close();
    }
    CommitPools c = commits;
    if (c != null) {
      c.close();
    }
  }

  private void load() {
    CommitLoader loader = new CommitLoader(config, eventLoops);
    try {
      this.commits = pools(loader);
    } catch (RuntimeException e) {
      loader.close(); // its checkouts: a later reload starts over with its own
      throw e;
    }
    released(commits.current());
  }

  /** Serves the release's commit and readies the commits callers may name. */
  private CommitPools pools(CommitLoader loader) {
    int workers = workers();
    Mirror mirror;
    CommitLibrary first;
    if (config.functionsDir().isPresent()) {
      Path dir = config.functionsDir().get().toAbsolutePath().normalize();
      branch = config.branch().orElseGet(() -> localBranch(dir));
      mirror = config.mirrorDir().map(this::sharedMirror).orElseGet(() -> workingRepo(dir));
      first = serveFolder(loader, dir, workers);
      if (mirror != null) {
        loader.checkouts(); // now, not on the first ref: removes what a runtime that is gone left
      }
    } else if (config.repositoryUrl().isPresent()) {
      GitLibraryReader reader = new GitLibraryReader();
      GitLibraryReader.Resolved resolved = fetch(reader, config.commit().orElse(null));
      branch = resolved.branch();
      mirror =
          Mirror.of(
              resolved.gitDir(),
              GitLibraryReader.redact(config.repositoryUrl().get()),
              ref -> fetch(reader, null));
      first =
          loader.loadCommit(resolved.gitDir(), mirror.source(), branch, resolved.commit(), workers);
    } else if (config.mirrorDir().isPresent()) {
      branch = config.branch().orElse("master");
      awaitMirror(config.mirrorDir().get());
      mirror = sharedMirror(config.mirrorDir().get());
      String pinned = config.commit().orElse(branch);
      RefResolver.Resolved r =
          mirror
              .resolve(pinned)
              .orElseThrow(
                  () -> new IllegalStateException("no " + pinned + " in " + mirror.source()));
      first = loader.loadCommit(mirror.gitDir(), mirror.source(), branch, r.commit(), workers);
    } else {
      throw new IllegalStateException(
          "nothing to serve: set GF_FUNCTIONS_DIR, GF_REPOSITORY_URL (+ GF_BRANCH) or GF_MIRROR_DIR");
    }
    CommitBudget budget =
        config.workerBudget().stream()
            .mapToObj(b -> new CommitBudget(workers, config.maxCommits(), b))
            .findFirst()
            .orElseGet(() -> CommitBudget.withDefaultBudget(workers, config.maxCommits()));
    return new CommitPools(
        loader,
        mirror,
        RefPolicy.parse(config.refs().orElse(null), branch),
        budget,
        branch,
        first,
        config.commitIdle(),
        config.timeout(),
        this::released);
  }

  /** Tells the observers (the MCP tools) that {@code release} is now served in place. */
  private void released(CommitLibrary release) {
    try {
      releases.fire(new ReleaseChanged(release));
    } catch (RuntimeException e) {
      // The calls already go to the new commit: an observer's failure must not undo the switch.
      LOG.errorf(e, "a follower of the release failed on commit %s", release.commit());
    }
  }

  private int workers() {
    return config.pythonWorkers().orElse(Runtime.getRuntime().availableProcessors());
  }

  /** Reads the served folder as it is now and starts workers on it. */
  private CommitLibrary serveFolder(CommitLoader loader, Path dir, int workers) {
    Library read = new DirectoryLibraryReader().read(dir);
    // A folder fetched by an init container has no .git: the pod says what it holds.
    Library lib =
        new Library(read.source(), read.branch(), config.commit().orElse(null), read.files());
    return loader.serve(lib, dir, branch, workers);
  }

  private Mirror sharedMirror(Path gitDir) {
    return Mirror.of(
        gitDir,
        config.repositoryUrl().map(GitLibraryReader::redact).orElse(gitDir.toString()),
        config.fetchAgentUrl().map(u -> Mirror.agent(u, config.timeout())).orElse(null));
  }

  /**
   * Waits until the fetch agent has written the shared mirror (the pod's containers start
   * together), asking it to fetch meanwhile.
   */
  private void awaitMirror(Path gitDir) {
    Mirror.Refresher agent =
        config.fetchAgentUrl().map(u -> Mirror.agent(u, config.timeout())).orElse(null);
    long deadline = System.nanoTime() + config.timeout().toNanos();
    while (!java.nio.file.Files.isDirectory(gitDir.resolve("refs"))) {
      if (agent == null || System.nanoTime() > deadline) {
        throw new IllegalStateException("no Git mirror at " + gitDir);
      }
      try {
        agent.refresh(config.branch().orElse("master"));
      } catch (Exception notYet) {
        LOG.debugf("fetch agent not answering yet: %s", notYet.getMessage());
        sleepQuietly(200);
      }
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Refs of the Git repository around a working folder, read in place; none outside Git. */
  private static Mirror workingRepo(Path dir) {
    try (Repository repo =
        new FileRepositoryBuilder().findGitDir(dir.toFile()).setMustExist(true).build()) {
      return Mirror.of(repo.getDirectory().toPath(), dir.toString(), null);
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      return null;
    }
  }

  /** The Git credentials configured (read from their files), or {@code null}. */
  static GitCredentials credentials(RuntimeConfig config) {
    return config
        .gitPassword()
        .map(p -> new GitCredentials(config.gitUsername().orElse("git"), p))
        .or(() -> config.gitToken().map(GitCredentials::token))
        .orElse(null);
  }

  private GitLibraryReader.Resolved fetch(GitLibraryReader reader, String commit) {
    return reader.fetch(
        config.repositoryUrl().get(),
        config.branch().orElse("master"),
        commit,
        credentials(config),
        new CommitLoader(config, eventLoops).cacheDir().resolve("mirrors"));
  }

  private void fetchOnlyAndExit() {
    try {
      GitLibraryReader reader = new GitLibraryReader();
      GitLibraryReader.Resolved resolved = fetch(reader, config.commit().orElse(null));
      Path target =
          config
              .fetchTarget()
              .orElseThrow(() -> new IllegalStateException("GF_FETCH_TARGET is not set"));
      reader.checkout(resolved, target);
      LOG.infof(
          "fetched %s at %s into %s",
          GitLibraryReader.redact(config.repositoryUrl().orElse("")), resolved.commit(), target);
      Quarkus.asyncExit(0);
    } catch (RuntimeException e) {
      LOG.errorf("fetch failed: %s", e.getMessage());
      Quarkus.asyncExit(1);
    }
  }

  /** The branch of a working folder inside Git, or {@code local} outside Git. */
  private static String localBranch(Path dir) {
    try (Repository repo =
        new FileRepositoryBuilder().findGitDir(dir.toFile()).setMustExist(true).build()) {
      String b = repo.getBranch();
      return b == null ? "local" : b;
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      return "local";
    }
  }

  /** Every commit served, or {@code null} before the library is loaded. */
  public CommitPools commits() {
    return commits;
  }

  /** The release's allow-list: callable functions by reference. */
  public Map<FunctionRef, ServedFunction> functions() {
    CommitPools c = commits;
    return c == null ? Map.of() : c.current().functions();
  }

  public ServedFunction function(FunctionRef ref) {
    CommitPools c = commits;
    return c == null ? null : c.current().function(ref);
  }

  /** The release commit's workers. */
  public WorkerPool pool() {
    CommitPools c = commits;
    return c == null ? null : c.current().pool();
  }

  /** Submits a call under a lease, ended when the call completes (or at once if it throws). */
  public static CompletableFuture<CallOutcome> submit(Lease lease, CallRequest request) {
    try {
      // The pool's own future, so cancelling it drops a call that has not started.
      CompletableFuture<CallOutcome> call = lease.library().pool().submit(request);
      call.whenComplete((o, e) -> lease.close());
      return call;
    } catch (RuntimeException | StackOverflowError e) {
      lease.close();
      throw e;
    }
  }

  public Library library() {
    CommitPools c = commits;
    return c == null ? null : c.current().library();
  }

  /** The release's branch (a folder outside Git serves {@code local}). */
  public String branch() {
    return branch;
  }

  /** Why the library is not served, or {@code null}. */
  public String loadError() {
    return loadError;
  }
}
