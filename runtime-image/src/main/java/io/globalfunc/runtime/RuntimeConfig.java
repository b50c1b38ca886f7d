package io.globalfunc.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The runtime's settings, read from environment variables ({@code GF_FUNCTIONS_DIR} is {@code
 * gf.functions-dir}) or {@code application.properties}.
 */
@ConfigMapping(prefix = "gf")
public interface RuntimeConfig {

  /** Serve the library in this folder (local use); wins over a repository. */
  Optional<Path> functionsDir();

  /**
   * With {@link #functionsDir()}: reload when a file of the folder changes, so every answer after a
   * save comes from the saved code (what {@code gf serve} asks for).
   */
  @WithDefault("false")
  boolean reload();

  /** Serve the library of this Git repository (read through JGit at a pinned commit). */
  Optional<String> repositoryUrl();

  /**
   * The branch to serve from {@link #repositoryUrl()} (default {@code master}); with {@link
   * #functionsDir()}, the branch the folder holds (default: its Git branch, or {@code local}).
   */
  Optional<String> branch();

  /** Pin this commit instead of the branch's head. */
  Optional<String> commit();

  /** Tier 1 of every name this runtime serves. */
  @WithDefault("sp_GlobalFunc")
  String space();

  /** Default per-call timeout. */
  @WithDefault("60s")
  Duration timeout();

  /** Python worker processes (default: the number of cores). */
  OptionalInt pythonWorkers();

  /** The Python interpreter. */
  @WithDefault("python3")
  String python();

  /** Calls allowed to wait for a worker before new ones get 429. */
  @WithDefault("1024")
  int queueLimit();

  /**
   * How long a call may wait for a worker (default: {@link #timeout()}): a call not finished within
   * this plus its timeout is dropped and answered 429.
   */
  Optional<Duration> queueTimeout();

  /** The longest a call may wait for a worker and then run. */
  default Duration callDeadline() {
    return queueTimeout().orElse(timeout()).plus(timeout());
  }

  /** Recycle a Python worker after this many calls (0 = never). */
  @WithDefault("0")
  long maxCallsPerWorker();

  /** Address-space cap per Python worker in bytes (0 = none). */
  @WithDefault("0")
  long workerMemory();

  /** The largest request body accepted, in bytes (default 16 MiB). */
  @WithDefault("16777216")
  long maxBody();

  /** Folder for Git mirrors and checked-out commits. */
  Optional<Path> cacheDir();

  /** Folder the Python workers run in (files functions write land here). */
  Optional<Path> workDir();

  /** Git credentials for {@link #repositoryUrl()}: user name. */
  Optional<String> gitUsername();

  /** Git credentials for {@link #repositoryUrl()}: password or token. */
  Optional<String> gitPassword();

  /** Git credentials for {@link #repositoryUrl()}: a token alone (sent as the password). */
  Optional<String> gitToken();

  /** Init-container mode: fetch the pinned commit into {@link #fetchTarget()} and exit. */
  @WithDefault("false")
  boolean fetchOnly();

  /** Where {@link #fetchOnly()} writes the library. */
  Optional<Path> fetchTarget();

  /** Redis for durable batches: when set, this runtime consumes its release's batch stream. */
  Optional<String> redisUri();

  /** Share of the Python workers that batch items may hold at once (0-1]. */
  @WithDefault("0.5")
  double batchShare();

  /** Deliveries after which an item that keeps killing its worker goes to the dead letters. */
  @WithDefault("3")
  int batchMaxDeliveries();

  /** Idle time after which another runtime reclaims a task (default: timeout + 10 s). */
  Optional<Duration> batchReclaimIdle();

  /** Packages exposed as MCP tools at {@code /mcp} (default: every package). */
  Optional<java.util.List<String>> mcpPackages();

  /** Visible for tests: positive pipeline depth per worker. */
  @WithDefault("2")
  int pipelineDepth();
}
