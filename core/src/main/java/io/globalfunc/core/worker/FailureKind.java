package io.globalfunc.core.worker;

import io.globalfunc.core.error.Problem;

/** Why a call did not produce a result; each maps to one problem type and HTTP status. */
public enum FailureKind {
  /** The arguments do not bind to the function's signature. */
  BAD_ARGUMENTS,
  /** The function (or importing its module) raised. */
  RAISED,
  /** The result cannot be JSON (a set, NaN, Infinity, bytes, a cycle...). */
  NOT_SERIALIZABLE,
  /** The module exists but does not define a callable of its name. */
  NOT_CALLABLE,
  /** The call ran past its timeout; its worker was killed and replaced. */
  TIMEOUT,
  /** The worker process died during the call ({@code os._exit}, a signal, the OOM killer). */
  WORKER_CRASHED,
  /** The result is larger than the runtime carries (a share of its heap); the worker lives. */
  RESULT_TOO_LARGE,
  /** The worker could not read the request (e.g. nested too deeply for Python); it lives. */
  UNREADABLE_REQUEST,
  /**
   * An item of a chunk has no outcome: the worker running the chunk died (another item crashed it
   * or ran past its timeout) before this item reported. It may have run; retry it.
   */
  NOT_RUN,
  /** The queue is full; retry later. */
  OVERLOADED,
  /** The pool is shut down or cannot start workers. */
  UNAVAILABLE;

  /** Where problem types live (spelled by {@link Problem}, their one owner). */
  public static final String PROBLEM_TYPE_BASE = Problem.TYPE_BASE;

  /** The RFC 9457 problem type of this failure, for callers outside the HTTP runtime. */
  public String problemType() {
    return Problem.of(this).type();
  }

  /**
   * True when the call did not run to an outcome of its own: the pool refused it (full, shut down,
   * without Python) or its chunk's worker died running another item first. It is no verdict on the
   * call and not one of its deliveries.
   */
  public boolean neverRan() {
    return this == OVERLOADED || this == UNAVAILABLE || this == NOT_RUN;
  }

  /**
   * True when the failure says nothing about the call itself (it never ran, or its worker died
   * under it), so running it again later may succeed; the others are the call's final word.
   */
  public boolean retryable() {
    return neverRan() || this == WORKER_CRASHED;
  }
}
