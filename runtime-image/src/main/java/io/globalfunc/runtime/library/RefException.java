package io.globalfunc.runtime.library;

import io.globalfunc.core.error.GlobalFuncException;
import io.globalfunc.core.error.Problem;

/** Why a call naming a ref cannot be served: an unknown ref, one the release refuses, no room. */
public final class RefException extends GlobalFuncException {

  /** The ways resolving a ref fails; each has its problem type. */
  public enum Reason {
    UNKNOWN_REF,
    REF_NOT_ALLOWED,
    UNAVAILABLE
  }

  public RefException(Reason reason, String message) {
    super(reason, message, null, false);
  }

  @Override
  public Reason reason() {
    return (Reason) super.reason();
  }

  /** The problem a caller gets. */
  public Problem problem() {
    return switch (reason()) {
      case UNKNOWN_REF -> Problem.UNKNOWN_REF;
      case REF_NOT_ALLOWED -> Problem.REF_NOT_ALLOWED;
      case UNAVAILABLE -> Problem.UNAVAILABLE;
    };
  }
}
