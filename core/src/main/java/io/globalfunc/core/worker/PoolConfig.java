package io.globalfunc.core.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link WorkerPool} runs its Python processes.
 *
 * @param python the interpreter, e.g. {@code python3}
 * @param libraryDir the library root put on {@code sys.path}
 * @param workDir the workers' current directory (files a function writes land here)
 * @param workers how many Python processes
 * @param queueLimit calls waiting for a worker beyond which new calls are refused (overloaded)
 * @param pipelineDepth calls written ahead to one worker (1 = none); small frames only
 * @param maxCallsPerWorker recycle a worker after this many calls (0 = never)
 * @param memoryCapBytes address-space cap per worker ({@code RLIMIT_AS}; 0 = none)
 * @param defaultTimeout per-call timeout when a request names none
 * @param maxBackground workers that batch items may occupy at once (the rest stay free for
 *     interactive calls)
 * @param maxResultBytes the largest result a call may return (its JSON, in bytes); larger ones fail
 *     with {@link FailureKind#RESULT_TOO_LARGE} and the worker lives
 */
public record PoolConfig(
    String python,
    Path libraryDir,
    Path workDir,
    int workers,
    int queueLimit,
    int pipelineDepth,
    long maxCallsPerWorker,
    long memoryCapBytes,
    Duration defaultTimeout,
    int maxBackground,
    int maxResultBytes,
    Scheduling scheduling) {

  /**
   * The Linux scheduling policy of the Python workers. {@code BATCH} ({@code SCHED_BATCH}): a
   * worker woken by a frame does not preempt the thread that wrote it (the runtime's event loop,
   * which still has answers to read and write), which gives many concurrent calls more throughput
   * on an otherwise idle machine; but it does not preempt anything else either, so on a machine
   * shared with other busy processes its calls wait longer. {@code AUTO}: {@code SCHED_BATCH} only
   * while the pool has other calls queued or in flight (the runtime says so in each request, see
   * {@link WorkerProtocol#BUSY_FLAG}), the default policy for a lone call. {@code NORMAL}: the
   * default policy.
   */
  public enum Scheduling {
    NORMAL,
    BATCH,
    AUTO
  }

  public PoolConfig {
    Objects.requireNonNull(scheduling, "scheduling");
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1");
    }
    if (queueLimit < 0
        || pipelineDepth < 1
        || maxCallsPerWorker < 0
        || memoryCapBytes < 0
        || maxBackground < 0
        || maxResultBytes < 1) {
      throw new IllegalArgumentException("negative pool limits");
    }
  }

  /** Defaults for a library folder: one worker per core, 60 s timeout, no recycling or cap. */
  public static PoolConfig defaults(Path libraryDir) {
    return new PoolConfig(
        "python3",
        libraryDir,
        libraryDir,
        Runtime.getRuntime().availableProcessors(),
        1024,
        2,
        0,
        0,
        Duration.ofSeconds(60),
        Runtime.getRuntime().availableProcessors(),
        heapShareForResults(),
        Scheduling.NORMAL);
  }

  /**
   * An eighth of the heap, between 1 MiB and 512 MiB: a result is held a few times over (its frame,
   * its HTTP body) and several calls answer at once.
   */
  static int heapShareForResults() {
    long share = Runtime.getRuntime().maxMemory() / 8;
    return (int) Math.max(1 << 20, Math.min(512L << 20, share));
  }

  public PoolConfig withWorkers(int value) {
    return with(b -> b.workers = value);
  }

  public PoolConfig withPython(String value) {
    return with(b -> b.python = value);
  }

  public PoolConfig withWorkDir(Path value) {
    return with(b -> b.workDir = value);
  }

  public PoolConfig withQueueLimit(int value) {
    return with(b -> b.queueLimit = value);
  }

  public PoolConfig withPipelineDepth(int value) {
    return with(b -> b.pipelineDepth = value);
  }

  public PoolConfig withMaxCallsPerWorker(long value) {
    return with(b -> b.maxCallsPerWorker = value);
  }

  public PoolConfig withMemoryCapBytes(long value) {
    return with(b -> b.memoryCapBytes = value);
  }

  public PoolConfig withDefaultTimeout(Duration value) {
    return with(b -> b.defaultTimeout = value);
  }

  public PoolConfig withMaxBackground(int value) {
    return with(b -> b.maxBackground = value);
  }

  public PoolConfig withMaxResultBytes(int value) {
    return with(b -> b.maxResultBytes = value);
  }

  public PoolConfig withScheduling(Scheduling value) {
    return with(b -> b.scheduling = value);
  }

  /** Copies this configuration, changes it, and validates the result. */
  private PoolConfig with(java.util.function.Consumer<Copy> change) {
    Copy b = new Copy(this);
    change.accept(b);
    return b.build();
  }

  /** A mutable copy, so each {@code withX} states only what it changes. */
  private static final class Copy {
    String python;
    Path libraryDir;
    Path workDir;
    int workers;
    int queueLimit;
    int pipelineDepth;
    long maxCallsPerWorker;
    long memoryCapBytes;
    Duration defaultTimeout;
    int maxBackground;
    int maxResultBytes;
    Scheduling scheduling;

    Copy(PoolConfig c) {
      python = c.python;
      libraryDir = c.libraryDir;
      workDir = c.workDir;
      workers = c.workers;
      queueLimit = c.queueLimit;
      pipelineDepth = c.pipelineDepth;
      maxCallsPerWorker = c.maxCallsPerWorker;
      memoryCapBytes = c.memoryCapBytes;
      defaultTimeout = c.defaultTimeout;
      maxBackground = c.maxBackground;
      maxResultBytes = c.maxResultBytes;
      scheduling = c.scheduling;
    }

    PoolConfig build() {
      return new PoolConfig(
          python,
          libraryDir,
          workDir,
          workers,
          queueLimit,
          pipelineDepth,
          maxCallsPerWorker,
          memoryCapBytes,
          defaultTimeout,
          maxBackground,
          maxResultBytes,
          scheduling);
    }
  }
}
