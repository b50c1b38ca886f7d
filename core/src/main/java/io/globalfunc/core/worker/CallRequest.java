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
 */
public record CallRequest(FunctionRef ref, JsonNode args, JsonNode kwargs, Duration timeout) {

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
}
