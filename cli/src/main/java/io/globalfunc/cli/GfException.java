package io.globalfunc.cli;

/** A failure to report to the user as one line, exiting with status 1. */
final class GfException extends RuntimeException {

  GfException(String message) {
    super(message);
  }

  GfException(String message, Throwable cause) {
    super(message, cause);
  }
}
