package io.globalfunc.core.worker;

import io.globalfunc.core.library.FunctionRef;
import java.time.Duration;
import java.util.List;

/**
 * Items of one function, run one after the other by one worker from one frame: the cheap way to run
 * many small calls. See {@link WorkerPool#submitChunk}.
 *
 * @param items each a JSON object (keyword arguments) or a JSON array (positional arguments), sent
 *     to the worker as written
 * @param itemTimeout how long each item may run, or {@code null} for the pool's default
 * @param background batch items (see {@link CallRequest#background()}) rather than interactive
 */
public record ChunkRequest(
    FunctionRef ref, List<JsonItem> items, Duration itemTimeout, boolean background) {

  public ChunkRequest {
    items = List.copyOf(items);
    if (items.isEmpty()) {
      throw new IllegalArgumentException("a chunk needs at least one item");
    }
    for (JsonItem item : items) {
      if (!item.isArguments()) {
        throw new IllegalArgumentException("chunk items must be JSON objects or arrays");
      }
    }
  }
}
