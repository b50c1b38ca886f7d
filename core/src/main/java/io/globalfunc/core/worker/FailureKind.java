package io.globalfunc.core.worker;

/** Why a call did not produce a result; each maps to one problem type and HTTP status. */
public enum FailureKind {
  /** The arguments do not bind to the function's signature. */
  BAD_ARGUMENTS("bad-arguments"),
  /** The function (or importing its module) raised. */
  RAISED("function-raised"),
  /** The result cannot be JSON (a set, NaN, Infinity, bytes, a cycle...). */
  NOT_SERIALIZABLE("result-not-serializable"),
  /** The module exists but does not define a callable of its name. */
  NOT_CALLABLE("unknown-function"),
  /** The call ran past its timeout; its worker was killed and replaced. */
  TIMEOUT("timeout"),
  /** The worker process died during the call ({@code os._exit}, a signal, the OOM killer). */
  WORKER_CRASHED("worker-crashed"),
  /** The result is larger than the runtime carries (a share of its heap); the worker lives. */
  RESULT_TOO_LARGE("result-too-large"),
  /** The worker could not read the request (e.g. nested too deeply for Python); it lives. */
  UNREADABLE_REQUEST("invalid-request"),
  /**
   * An item of a chunk has no outcome: the worker running the chunk died (another item crashed it
   * or ran past its timeout) before this item reported. It may have run; retry it.
   */
  NOT_RUN("not-run"),
  /** The queue is full; retry later. */
  OVERLOADED("overloaded"),
  /** The pool is shut down or cannot start workers. */
  UNAVAILABLE("unavailable");

  /** Where problem types live (the runtime's {@code Problem} spells the same types). */
  public static final String PROBLEM_TYPE_BASE = "https://globalfunc.io/problems/";

  private final String slug;

  FailureKind(String slug) {
    this.slug = slug;
  }

  /** The RFC 9457 problem type of this failure, for callers outside the HTTP runtime. */
  public String problemType() {
    return PROBLEM_TYPE_BASE + slug;
  }
}
