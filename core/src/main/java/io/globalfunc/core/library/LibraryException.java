package io.globalfunc.core.library;

import io.globalfunc.core.error.GlobalFuncException;

/** A library could not be read; {@link #reason()} says why in a word a status condition can use. */
public class LibraryException extends GlobalFuncException {

  /** Why reading failed, stable enough for conditions and exit codes. */
  public enum Reason {
    NOT_A_LIBRARY,
    BRANCH_NOT_FOUND,
    COMMIT_NOT_FOUND,
    AUTHENTICATION_FAILED,
    REPOSITORY_UNREACHABLE,
    IO
  }

  public LibraryException(Reason reason, String message, Throwable cause) {
    super(reason, message, cause);
  }

  public LibraryException(Reason reason, String message) {
    this(reason, message, null);
  }

  @Override
  public Reason reason() {
    return (Reason) super.reason();
  }
}
