package io.globalfunc.runtime.library;

import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.DirectoryLibraryReader;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.GitCredentials;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.worker.PoolConfig;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.SecretFiles;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.jboss.logging.Logger;

/**
 * The library this runtime serves, loaded once at start-up: read from a folder or from Git at a
 * pinned commit, introspected by Python's {@code ast}, and served by a {@link WorkerPool}. Its
 * callables are the allow-list: nothing else can be invoked.
 */
@ApplicationScoped
public class ServedLibrary {

  private static final Logger LOG = Logger.getLogger(ServedLibrary.class);

  private final RuntimeConfig config;
  private volatile Map<FunctionRef, ServedFunction> functions = Map.of();
  private volatile WorkerPool pool;
  private volatile Library library;
  private volatile String loadError;
  private volatile String branch;
  private volatile LibraryWatcher watcher;

  ServedLibrary(RuntimeConfig config) {
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) {
    SecretFiles.warnAboutPlainSecrets();
    if (config.fetchOnly()) {
      fetchOnlyAndExit();
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
   * Loads the folder again with fresh workers (each imports the saved code), then retires the old
   * pool once its calls have answered: calls after the swap only ever meet the new code.
   */
  private synchronized void reload() {
    WorkerPool old = pool;
    try {
      load();
      loadError = null;
    } catch (RuntimeException e) {
      LOG.errorf("reload failed, still serving the previous code: %s", e.getMessage());
      return;
    }
    if (old != null) {
      Thread retire = new Thread(() -> retire(old), "gf-retire-pool");
      retire.setDaemon(true);
      retire.start();
    }
  }

  private void retire(WorkerPool old) {
    long deadline = System.nanoTime() + config.timeout().toNanos();
    while (System.nanoTime() < deadline && (old.stats().busy() > 0 || old.stats().queued() > 0)) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    old.close();
  }

  void onStop(@Observes ShutdownEvent event) {
    LibraryWatcher w = watcher;
    if (w != null) {
      w.close();
    }
    WorkerPool p = pool;
    if (p != null) {
      p.close();
    }
  }

  private void load() {
    Path libraryDir;
    Library lib;
    String branch;
    if (config.functionsDir().isPresent()) {
      libraryDir = config.functionsDir().get().toAbsolutePath().normalize();
      Library read = new DirectoryLibraryReader().read(libraryDir);
      // A folder fetched by an init container has no .git: the pod says what it holds.
      lib = new Library(read.source(), read.branch(), config.commit().orElse(null), read.files());
      branch = config.branch().orElseGet(() -> localBranch(libraryDir));
    } else if (config.repositoryUrl().isPresent()) {
      GitLibraryReader reader = new GitLibraryReader();
      GitLibraryReader.Resolved resolved = fetch(reader);
      lib = reader.read(resolved, GitLibraryReader.redact(config.repositoryUrl().get()));
      libraryDir = cacheDir().resolve("checkouts").resolve(resolved.commit());
      if (!Files.isDirectory(libraryDir)) {
        Path partial = libraryDir.resolveSibling(resolved.commit() + ".partial");
        reader.checkout(resolved, partial);
        try {
          Files.move(partial, libraryDir);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      branch = resolved.branch();
    } else {
      throw new IllegalStateException(
          "nothing to serve: set GF_FUNCTIONS_DIR or GF_REPOSITORY_URL (+ GF_BRANCH)");
    }
    Map<FunctionRef, FunctionInfo> infos = new PythonIntrospector(config.python()).describe(lib);
    Map<String, LibraryFile> files = lib.byPath();
    Map<FunctionRef, ServedFunction> served = new LinkedHashMap<>();
    infos.forEach(
        (ref, info) -> {
          if (info.callable()) {
            LibraryFile f = files.get(ref.path());
            served.put(
                ref,
                new ServedFunction(
                    ref.at(config.space(), branch), ref, f.path(), f.meta(), info, lib.commit()));
          }
        });
    int workers = config.pythonWorkers().orElse(Runtime.getRuntime().availableProcessors());
    PoolConfig poolConfig =
        PoolConfig.defaults(libraryDir)
            .withPython(config.python())
            .withWorkDir(config.workDir().orElse(cacheDir().resolve("work")))
            .withWorkers(workers)
            .withMaxBackground(batchWorkers(workers, config.batchShare()))
            .withQueueLimit(config.queueLimit())
            .withPipelineDepth(config.pipelineDepth())
            .withMaxCallsPerWorker(config.maxCallsPerWorker())
            .withMemoryCapBytes(config.workerMemory())
            .withDefaultTimeout(config.timeout());
    this.pool = WorkerPool.start(poolConfig);
    this.library = lib;
    this.branch = branch;
    this.functions = Collections.unmodifiableMap(served);
    LOG.infof(
        "serving %d functions from %s%s with %d Python workers",
        served.size(),
        lib.source(),
        lib.commit() == null ? "" : " at " + lib.commit(),
        poolConfig.workers());
  }

  private GitLibraryReader.Resolved fetch(GitLibraryReader reader) {
    GitCredentials credentials =
        config
            .gitPassword()
            .map(p -> new GitCredentials(config.gitUsername().orElse("git"), p))
            .or(() -> config.gitToken().map(GitCredentials::token))
            .orElse(null);
    return reader.fetch(
        config.repositoryUrl().get(),
        config.branch().orElse("master"),
        config.commit().orElse(null),
        credentials,
        cacheDir().resolve("mirrors"));
  }

  private void fetchOnlyAndExit() {
    try {
      GitLibraryReader reader = new GitLibraryReader();
      GitLibraryReader.Resolved resolved = fetch(reader);
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

  private Path cacheDir() {
    return config
        .cacheDir()
        .orElse(
            Path.of(
                System.getProperty("java.io.tmpdir"),
                "globalfunc-" + System.getProperty("user.name")));
  }

  /** Workers batch items may hold: the configured share of them, at least one. */
  static int batchWorkers(int workers, double share) {
    return Math.max(1, (int) Math.floor(workers * Math.min(1.0, Math.max(0.0, share))));
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

  public Library library() {
    return library;
  }

  /** The branch served (a folder outside Git serves {@code local}). */
  public String branch() {
    return branch;
  }

  /** Why the library is not served, or {@code null}. */
  public String loadError() {
    return loadError;
  }
}
