package io.globalfunc.core.batch;

import io.globalfunc.core.error.GlobalFuncException;
import io.vertx.redis.client.impl.types.ErrorType;

/** Redis could not do what the batch queue asked (unreachable, timed out, or refused). */
public class BatchStoreException extends GlobalFuncException {

  /** Why: Redis answered with an error, or did not answer at all. */
  public enum Reason {
    /** Redis answered with an error reply (e.g. {@code BUSYGROUP}, {@code WRONGTYPE}). */
    REFUSED,
    /** Redis could not be reached, did not answer in time, or the wait was interrupted. */
    UNAVAILABLE
  }

  public BatchStoreException(String message, Throwable cause) {
    super(cause instanceof ErrorType ? Reason.REFUSED : Reason.UNAVAILABLE, message, cause);
  }

  @Override
  public Reason reason() {
    return (Reason) super.reason();
  }

  /**
   * True when Redis refused with an error reply of this kind (its first word, e.g. {@code
   * BUSYGROUP}), told by the client's error type rather than by the message text.
   */
  public boolean isRedisError(String kind) {
    return getCause() instanceof ErrorType error && error.is(kind);
  }
}
