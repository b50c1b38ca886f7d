package io.globalfunc.core.batch;

import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reading RESP2 replies and waiting for them with a deadline. */
final class RedisReplies {

  private RedisReplies() {}

  /** A flat field/value array as strings. */
  static Map<String, String> strings(Response r) {
    Map<String, String> m = new HashMap<>();
    if (r == null) {
      return m;
    }
    for (int i = 0; i + 1 < r.size(); i += 2) {
      m.put(r.get(i).toString(), r.get(i + 1) == null ? null : r.get(i + 1).toString());
    }
    return m;
  }

  /** A flat field/value array with its values as bytes, untouched. */
  static Map<String, byte[]> bytes(Response r) {
    Map<String, byte[]> m = new HashMap<>();
    if (r == null) {
      return m;
    }
    for (int i = 0; i + 1 < r.size(); i += 2) {
      Response v = r.get(i + 1);
      m.put(new String(r.get(i).toBytes(), StandardCharsets.UTF_8), v == null ? null : v.toBytes());
    }
    return m;
  }

  /** A stream entry {@code [id, [field, value, ...]]} as a task. */
  static BatchTask task(Response entry) {
    if (entry == null || entry.size() < 2 || entry.get(1) == null) {
      return null;
    }
    return TaskEntries.parse(entry.get(0).toString(), bytes(entry.get(1)));
  }

  /**
   * The tasks of a list of stream entries, added to {@code out} (an entry deleted meanwhile is nil:
   * skipped).
   */
  static void tasks(Response entries, List<BatchTask> out) {
    for (Response e : entries) {
      BatchTask t = task(e);
      if (t != null) {
        out.add(t);
      }
    }
  }

  static long parseLong(String s) {
    return s == null ? 0 : Long.parseLong(s);
  }

  /**
   * Waits for a reply; a Redis error, a timeout or an interrupt is a {@link BatchStoreException}.
   */
  static <T> T await(Future<T> future, Duration limit) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchStoreException("interrupted", e);
    } catch (ExecutionException e) {
      throw new BatchStoreException(String.valueOf(e.getCause().getMessage()), e.getCause());
    } catch (TimeoutException e) {
      throw new BatchStoreException("Redis did not answer in " + limit.toMillis() + " ms", e);
    }
  }
}
