package io.globalfunc.core.library;

/** A library could not be read; {@link #reason()} says why in a word a status condition can use. */
public class LibraryException extends RuntimeException {

  /** Why reading failed, stable enough for conditions and exit codes. */
  public enum Reason {
    NOT_A_LIBRARY,
    BRANCH_NOT_FOUND,
    COMMIT_NOT_FOUND,
    AUTHENTICATION_FAILED,
    REPOSITORY_UNREACHABLE,
    IO
  }

  private final Reason reason;

  public LibraryException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public LibraryException(Reason reason, String message) {
    this(reason, message, null);
  }

  public Reason reason() {
    return reason;
  }
}
