package io.globalfunc.runtime;

import io.globalfunc.core.worker.PoolConfig;
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

  /**
   * Batch-agent mode: serve no library; consume the release's batch stream ({@link #redisUri()},
   * {@link #space()}, {@link #branch()}) and run each task on the runtime at {@link #runtimeUrl()}
   * (the pod's runtime container, over loopback). The only process of a pod that holds the Redis
   * URI.
   */
  @WithDefault("false")
  boolean batchAgent();

  /** The runtime a batch agent runs items on, e.g. {@code http://127.0.0.1:26000}. */
  Optional<String> runtimeUrl();

  /** Stream tasks a batch agent holds at once (each one {@code /v1/map} request to its runtime). */
  @WithDefault("8")
  int batchTasks();

  /** Packages exposed as MCP tools at {@code /mcp} (default: every package). */
  Optional<java.util.List<String>> mcpPackages();

  /**
   * Calls written to one worker at once when none is free ({@code GF_PIPELINE_DEPTH}; 1 = none).
   */
  @WithDefault("2")
  int pipelineDepth();

  /**
   * The Python workers' Linux scheduling policy ({@code GF_WORKER_SCHEDULING}: {@code normal},
   * {@code batch} or {@code auto}, see {@link PoolConfig.Scheduling}).
   */
  @WithDefault("normal")
  PoolConfig.Scheduling workerScheduling();

  /**
   * Which refs callers may name ({@code GF_REFS}): comma-separated globs over branch and tag names,
   * {@code *} for any ref; default: only {@link #branch()} and commits reachable from it.
   */
  Optional<String> refs();

  /** Commits whose Python workers may be warm at once, the release's commit included. */
  @WithDefault("4")
  int maxCommits();

  /**
   * Python workers over every warm commit (default: {@link #pythonWorkers()} for the release's
   * commit plus one per other commit).
   */
  OptionalInt workerBudget();

  /** A commit other than the release's whose workers have been idle this long is stopped. */
  @WithDefault("5m")
  Duration commitIdle();

  /**
   * A Git mirror this runtime reads refs and commits from, read-only (kept fresh by a fetch agent
   * that alone holds Git credentials).
   */
  Optional<Path> mirrorDir();

  /**
   * Fetch-agent mode: serve no library; keep the Git mirror {@link #mirrorDir()} of {@link
   * #repositoryUrl()} fresh (every {@link #fetchInterval()}) and fetch on request ({@code POST
   * /v1/fetch}). The only process of a pod that holds Git credentials.
   */
  @WithDefault("false")
  boolean fetchAgent();

  /** How often the fetch agent fetches the repository. */
  @WithDefault("10s")
  Duration fetchInterval();

  /** The fetch agent asked over HTTP to fetch a ref missing from {@link #mirrorDir()}. */
  Optional<String> fetchAgentUrl();

  /** This runtime's identity in {@code GF-Worker} (default: {@code HOSTNAME}, the pod name). */
  Optional<String> podName();

  /**
   * The bearer token {@code POST /v1/release} requires, for local use ({@code GF_RELEASE_TOKEN} or
   * {@code GF_RELEASE_TOKEN_FILE}); unset with {@link #releaseTokenSha256()} unset: the route is
   * open.
   */
  Optional<String> releaseToken();

  /**
   * The SHA-256 (hex) of the token {@code POST /v1/release} requires ({@code
   * GF_RELEASE_TOKEN_SHA256_FILE}, the only key of the operator's per-worker Secret the runtime
   * container mounts): the runtime never holds the token itself. Wins over {@link #releaseToken()}.
   */
  Optional<String> releaseTokenSha256();

  /** How long a memoised result of a pure function is kept. */
  @WithDefault("1h")
  Duration memoTtl();

  /** Results of pure functions kept in process when there is no Redis (0 = no memoisation). */
  @WithDefault("10000")
  int memoSize();
}
