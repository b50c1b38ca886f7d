package io.globalfunc.runtime.library;

import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.worker.PoolConfig;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.RuntimeConfig;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Turns a library into a served {@link CommitLibrary}: introspects it, checks out the commit's
 * files for Python to import ({@link Checkouts}), and starts the Python workers dedicated to it.
 */
final class CommitLoader implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CommitLoader.class);

  private final RuntimeConfig config;
  private final EventLoopGroup eventLoops;
  private Checkouts checkouts;

  /** Workers' answers will be read on {@code eventLoops}, the HTTP server's. */
  CommitLoader(RuntimeConfig config, EventLoopGroup eventLoops) {
    this.config = config;
    this.eventLoops = eventLoops;
  }

  /**
   * Serves a commit read from a Git folder (mirror or repository) with this many workers, from a
   * checkout of its own that is deleted once those workers have stopped.
   */
  CommitLibrary loadCommit(Path gitDir, String source, String branch, String commit, int workers) {
    GitLibraryReader reader = new GitLibraryReader();
    GitLibraryReader.Resolved resolved = new GitLibraryReader.Resolved(gitDir, branch, commit);
    Library lib = reader.read(resolved, source);
    Checkouts disk = checkouts();
    Path libraryDir = disk.acquire(commit, into -> reader.checkout(resolved, into));
    try {
      return serve(lib, libraryDir, branch, workers, () -> disk.release(commit));
    } catch (RuntimeException e) {
      disk.release(commit);
      throw e;
    }
  }

  /**
   * This runtime's checkouts, opened on first use (which removes what runtimes that are gone left
   * in the cache).
   */
  synchronized Checkouts checkouts() {
    if (checkouts == null) {
      checkouts = Checkouts.open(cacheDir().resolve("checkouts"));
    }
    return checkouts;
  }

  /** Deletes this runtime's checkouts: it stops. */
  @Override
  public synchronized void close() {
    if (checkouts != null) {
      checkouts.close();
    }
  }

  /** Serves a library already on disk (a working folder, or one an init container fetched). */
  CommitLibrary serve(Library lib, Path libraryDir, String branch, int workers) {
    return serve(lib, libraryDir, branch, workers, () -> {});
  }

  /** As above; {@code whenStopped} runs once the library's workers have stopped. */
  private CommitLibrary serve(
      Library lib, Path libraryDir, String branch, int workers, Runnable whenStopped) {
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
    WorkerPool pool = WorkerPool.start(poolConfig(libraryDir, workers), eventLoops);
    LOG.infof(
        "serving %d functions from %s%s with %d Python workers",
        served.size(), lib.source(), lib.commit() == null ? "" : " at " + lib.commit(), workers);
    return new CommitLibrary(lib, served, pool, whenStopped);
  }

  private PoolConfig poolConfig(Path libraryDir, int workers) {
    return PoolConfig.defaults(libraryDir)
        .withPython(config.python())
        .withWorkDir(config.workDir().orElse(cacheDir().resolve("work")))
        .withWorkers(workers)
        .withMaxBackground(batchWorkers(workers, config.batchShare()))
        .withQueueLimit(config.queueLimit())
        .withPipelineDepth(config.pipelineDepth())
        .withScheduling(config.workerScheduling())
        .withMaxCallsPerWorker(config.maxCallsPerWorker())
        .withMemoryCapBytes(config.workerMemory())
        .withDefaultTimeout(config.timeout());
  }

  /** Folder for Git mirrors and checked-out commits. */
  Path cacheDir() {
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
}
