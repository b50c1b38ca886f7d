package io.globalfunc.core.worker;

/** The answer to one call: the function's JSON result, or why there is none. */
public sealed interface CallOutcome {

  /** The result, JSON-encoded by Python ({@code allow_nan=False}, UTF-8). */
  record Success(byte[] json) implements CallOutcome {}

  /**
   * A failure of this call only.
   *
   * @param type the Python exception type, when there was one
   * @param traceback Python's traceback, when the function raised
   */
  record Failure(FailureKind kind, String type, String message, String traceback)
      implements CallOutcome {

    static Failure of(FailureKind kind, String message) {
      return new Failure(kind, null, message, null);
    }
  }
}
