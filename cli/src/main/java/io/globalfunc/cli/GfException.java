package io.globalfunc.cli;

import io.globalfunc.core.error.GlobalFuncException;

/** A failure to report to the user as one line, exiting with status 1. */
final class GfException extends GlobalFuncException {

  /** gf's own failures have one reason: the command could not do what was asked. */
  enum Reason {
    FAILED
  }

  GfException(String message) {
    this(message, null);
  }

  GfException(String message, Throwable cause) {
    super(Reason.FAILED, message, cause);
  }
}
