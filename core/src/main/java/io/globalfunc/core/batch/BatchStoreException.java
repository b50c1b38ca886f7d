package io.globalfunc.core.batch;

/** Redis could not do what the batch queue asked (unreachable, timed out, or refused). */
public class BatchStoreException extends RuntimeException {
  public BatchStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
