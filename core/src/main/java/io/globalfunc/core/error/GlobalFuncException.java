package io.globalfunc.core.error;

/**
 * The base of every failure GlobalFunc reports to a person: its message is written for them (no
 * secrets, no stack needed) and its {@link #reason()} names the case for exit codes, conditions and
 * problem types. Anything that is not one of these is a bug and is reported as unexpected.
 */
public abstract class GlobalFuncException extends RuntimeException {

  private final Enum<?> reason;

  protected GlobalFuncException(Enum<?> reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * Without a stack trace when {@code !stackTrace}: for failures that are a caller's everyday
   * answer (an unknown ref), thrown often and never a bug to trace.
   */
  protected GlobalFuncException(
      Enum<?> reason, String message, Throwable cause, boolean stackTrace) {
    super(message, cause, false, stackTrace);
    this.reason = reason;
  }

  /** Why it failed; subclasses narrow the type to their own reasons. */
  public Enum<?> reason() {
    return reason;
  }
}
