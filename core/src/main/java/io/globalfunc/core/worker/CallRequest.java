package io.globalfunc.core.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.globalfunc.core.library.FunctionRef;
import java.time.Duration;

/**
 * One call of a catalogued function.
 *
 * @param args positional arguments (a JSON array) or {@code null}
 * @param kwargs keyword arguments (a JSON object) or {@code null}
 * @param timeout how long the call may run once started, or {@code null} for the pool's default
 * @param background a batch item: runs only on an idle worker, after every interactive call, and on
 *     at most {@link PoolConfig#maxBackground()} workers at once
 */
public record CallRequest(
    FunctionRef ref, JsonNode args, JsonNode kwargs, Duration timeout, boolean background) {

  /** An interactive call (a person or a service is waiting for it). */
  public CallRequest(FunctionRef ref, JsonNode args, JsonNode kwargs, Duration timeout) {
    this(ref, args, kwargs, timeout, false);
  }

  public CallRequest {
    if (args != null && !args.isArray() && !args.isNull()) {
      throw new IllegalArgumentException("args must be a JSON array");
    }
    if (kwargs != null && !kwargs.isObject() && !kwargs.isNull()) {
      throw new IllegalArgumentException("kwargs must be a JSON object");
    }
  }

  public static CallRequest kwargs(FunctionRef ref, JsonNode kwargs) {
    return new CallRequest(ref, null, kwargs, null);
  }

  /** The same call as a batch item. */
  public CallRequest asBackground() {
    return new CallRequest(ref, args, kwargs, timeout, true);
  }
}
