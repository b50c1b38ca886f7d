package io.globalfunc.core.batch;

import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.core.redis.OwnedVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A release's durable batch queue on Redis Streams: producers add tasks (chunks of items, see
 * {@link TaskEntries}) to one stream, every runtime serving the release reads it through one
 * consumer group, and a task's results are stored (idempotently, per batch and item) in the same
 * atomic step that acknowledges and deletes it ({@link Completion}). Blocking calls: use from
 * worker or dedicated threads, never an event loop.
 */
public final class BatchStore implements AutoCloseable {

  /** How long a finished batch's state and results are kept. */
  public static final Duration RETENTION = Duration.ofDays(7);

  private final Redis redis;
  private final BatchKeys keys;
  private final Duration timeout;
  private final Vertx ownedVertx;

  private BatchStore(Redis redis, BatchKeys keys, Duration timeout, Vertx ownedVertx) {
    this.redis = redis;
    this.keys = keys;
    this.timeout = timeout;
    this.ownedVertx = ownedVertx;
  }

  /**
   * Connects to the Redis at {@code uri} for one release. With {@code vertx == null} the store runs
   * its own small Vert.x instance (command-line use).
   */
  public static BatchStore connect(Vertx vertx, String uri, BatchKeys keys) {
    Vertx owned = vertx == null ? Vertx.vertx() : null;
    Redis client =
        Redis.createClient(
            vertx == null ? owned : vertx,
            new RedisOptions()
                .setConnectionString(uri)
                .setNetClientOptions(new NetClientOptions().setConnectTimeout(3000))
                .setMaxPoolSize(16)
                .setMaxPoolWaiting(1024)
                // RESP2 keeps stream and hash answers as flat arrays on every server version.
                .setPreferredProtocolVersion(ProtocolVersion.RESP2));
    return new BatchStore(client, keys, Duration.ofSeconds(10), owned);
  }

  public BatchKeys keys() {
    return keys;
  }

  // ---- producer side ----

  /** Creates a batch of {@code total} items for {@code function}; returns its id. */
  public String create(String function, long total) {
    String id = UUID.randomUUID().toString();
    create(id, function, total);
    return id;
  }

  /** Creates (or re-creates, after Redis lost it) the batch {@code id}. */
  public void create(String id, String function, long total) {
    String meta = keys.meta(id);
    send(
        Request.cmd(Command.HSET)
            .arg(meta)
            .arg("function")
            .arg(function)
            .arg("total")
            .arg(total)
            .arg("created")
            .arg(Instant.now().toString()));
    send(Request.cmd(Command.EXPIRE).arg(meta).arg(RETENTION.toSeconds()));
  }

  /**
   * Adds items {@code from..from+items.size()-1} (each the JSON bytes of its keyword arguments) to
   * the release's stream, {@code perEntry} items per task, pipelined.
   */
  public void add(String id, String function, int from, List<byte[]> items, int perEntry) {
    BatchKeys.requireId(id);
    List<Request> requests = new ArrayList<>(items.size() / perEntry + 1);
    for (int start = 0; start < items.size(); start += perEntry) {
      List<byte[]> chunk = items.subList(start, Math.min(items.size(), start + perEntry));
      Request xadd = Request.cmd(Command.XADD).arg(keys.tasks()).arg("*");
      for (Object field : TaskEntries.fields(id, function, from + start, chunk, 0)) {
        arg(xadd, field);
      }
      requests.add(xadd);
    }
    RedisReplies.await(redis.batch(requests), timeout);
  }

  /** The batch's progress, or empty when no such batch exists (never created, or expired). */
  public Optional<BatchStatus> status(String id) {
    Map<String, String> m =
        RedisReplies.strings(send(Request.cmd(Command.HGETALL).arg(keys.meta(id))));
    if (m.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new BatchStatus(
            id,
            m.get("function"),
            m.containsKey("total") ? Long.parseLong(m.get("total")) : -1,
            RedisReplies.parseLong(m.get("done")),
            RedisReplies.parseLong(m.get("failed")),
            RedisReplies.parseLong(m.get("dead"))));
  }

  /**
   * Results of items {@code from..from+count-1}: each a JSON envelope with its provenance, or
   * {@code null} if not done.
   */
  public List<String> results(String id, int from, int count) {
    List<String> out = new ArrayList<>(count);
    for (byte[] v : resultBytes(id, from, count, true)) {
      out.add(v == null ? null : new String(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * {@link #results} as the envelopes' bytes, for a producer that writes them out as they are: with
   * their provenance fields ({@link ResultEnvelope#PROVENANCE}) when {@code provenance}, else
   * without them.
   */
  public List<byte[]> resultBytes(String id, int from, int count, boolean provenance) {
    byte[][] out = new byte[count][];
    for (ResultRuns.Run run : runs(id, from, count)) {
      for (int i = Math.max(from, run.first()); i < Math.min(from + count, run.end()); i++) {
        if (out[i - from] == null) {
          out[i - from] = provenance ? run.whole(i) : run.bare(i);
        }
      }
    }
    return Arrays.asList(out);
  }

  /**
   * The runs stored in the results hashes of items {@code from..from+count-1}: one HGETALL each.
   */
  private List<ResultRuns.Run> runs(String id, int from, int count) {
    List<Request> reads = new ArrayList<>();
    int last = from + count - 1;
    for (int hash = from / BatchKeys.RESULTS_PER_KEY;
        count > 0 && hash <= last / BatchKeys.RESULTS_PER_KEY;
        hash++) {
      reads.add(
          Request.cmd(Command.HGETALL).arg(keys.results(id, hash * BatchKeys.RESULTS_PER_KEY)));
    }
    List<ResultRuns.Run> runs = new ArrayList<>();
    if (reads.isEmpty()) {
      return runs;
    }
    for (Response hash : RedisReplies.await(redis.batch(reads), timeout)) {
      for (int k = 0; k + 1 < hash.size(); k += 2) { // RESP2: [field, value, ...]
        ResultRuns.Run run = ResultRuns.read(hash.get(k).toString(), hash.get(k + 1).toBytes());
        if (run != null) {
          runs.add(run);
        }
      }
    }
    return runs;
  }

  /** Items that went to the dead-letter list. */
  public List<Integer> deadLetters(String id) {
    Response r = send(Request.cmd(Command.LRANGE).arg(keys.deadLetters(id)).arg(0).arg(-1));
    List<Integer> out = new ArrayList<>();
    for (Response v : r) {
      out.add(v.toInteger());
    }
    return out;
  }

  /** Tasks of the release still in the stream (queued or running; finished ones are deleted). */
  public long queued() {
    return send(Request.cmd(Command.XLEN).arg(keys.tasks())).toLong();
  }

  /** Functions that the release's runtimes have announced they serve. */
  public Set<String> functions() {
    Set<String> out = new LinkedHashSet<>();
    for (Response v : send(Request.cmd(Command.SMEMBERS).arg(keys.functions()))) {
      out.add(v.toString());
    }
    return out;
  }

  // ---- consumer side ----

  /** Announces the functions a runtime serves, for producers to validate against. */
  public void announce(Set<String> functions, Duration ttl) {
    if (functions.isEmpty()) {
      return;
    }
    Request sadd = Request.cmd(Command.SADD).arg(keys.functions());
    functions.forEach(sadd::arg);
    send(sadd);
    send(Request.cmd(Command.PEXPIRE).arg(keys.functions()).arg(ttl.toMillis()));
  }

  /** Creates the stream and the consumer group when missing (also after Redis lost them). */
  public void ensureGroup() {
    try {
      send(
          Request.cmd(Command.XGROUP)
              .arg("CREATE")
              .arg(keys.tasks())
              .arg(BatchKeys.GROUP)
              .arg("0")
              .arg("MKSTREAM"));
    } catch (BatchStoreException e) {
      if (!e.isRedisError("BUSYGROUP")) {
        throw e;
      }
    }
  }

  /**
   * Waits up to {@code wait} for results of batch {@code id} stored since the last call (a
   * completion leaves a mark in {@link BatchKeys#progress} that this takes); true when there were.
   */
  public boolean awaitProgress(String id, Duration wait) {
    long millis = Math.max(10, wait.toMillis());
    String seconds = millis / 1000 + "." + String.format("%03d", millis % 1000); // Redis 6+
    Response r =
        RedisReplies.await(
            redis.send(Request.cmd(Command.BLPOP).arg(keys.progress(id)).arg(seconds)),
            timeout.plusMillis(millis));
    return r != null;
  }

  /** Reads up to {@code count} new tasks for {@code consumer}, waiting up to {@code block}. */
  public List<BatchTask> read(String consumer, int count, Duration block) {
    Response r =
        RedisReplies.await(
            redis.send(
                Request.cmd(Command.XREADGROUP)
                    .arg("GROUP")
                    .arg(BatchKeys.GROUP)
                    .arg(consumer)
                    .arg("COUNT")
                    .arg(count)
                    .arg("BLOCK")
                    .arg(block.toMillis())
                    .arg("STREAMS")
                    .arg(keys.tasks())
                    .arg(">")),
            timeout.plus(block));
    List<BatchTask> out = new ArrayList<>();
    if (r == null) {
      return out; // BLOCK timed out
    }
    for (Response stream : r) { // RESP2: [[key, [[id, [field, value, ...]], ...]]]
      RedisReplies.tasks(stream.get(1), out);
    }
    return out;
  }

  /** Claims tasks idle longer than {@code minIdle} (their consumer died or lost them). */
  public List<BatchTask> reclaim(String consumer, Duration minIdle, int count) {
    Response r =
        send(
            Request.cmd(Command.XAUTOCLAIM)
                .arg(keys.tasks())
                .arg(BatchKeys.GROUP)
                .arg(consumer)
                .arg(minIdle.toMillis())
                .arg("0-0")
                .arg("COUNT")
                .arg(count));
    List<BatchTask> out = new ArrayList<>();
    if (r != null && r.size() > 1) {
      RedisReplies.tasks(r.get(1), out);
    }
    return out;
  }

  /**
   * Tells the group that {@code consumer} still runs the tasks {@code streamIds}: resets their idle
   * time without counting a delivery ({@code XCLAIM ... JUSTID}), so a task that runs longer than
   * the reclaim idle time is not taken for one whose consumer died. A task already finished is not
   * pending and stays finished.
   */
  public void hold(String consumer, List<String> streamIds) {
    if (streamIds.isEmpty()) {
      return;
    }
    Request xclaim =
        Request.cmd(Command.XCLAIM).arg(keys.tasks()).arg(BatchKeys.GROUP).arg(consumer).arg(0);
    streamIds.forEach(xclaim::arg);
    send(xclaim.arg("JUSTID"));
  }

  /** Pending tasks idle longer than {@code minIdle}, with how often each was delivered. */
  public List<PendingTask> pending(Duration minIdle, int count) {
    Response r =
        send(
            Request.cmd(Command.XPENDING)
                .arg(keys.tasks())
                .arg(BatchKeys.GROUP)
                .arg("IDLE")
                .arg(minIdle.toMillis())
                .arg("-")
                .arg("+")
                .arg(count));
    List<PendingTask> out = new ArrayList<>();
    if (r != null) {
      for (Response p : r) {
        out.add(
            new PendingTask(
                p.get(0).toString(), p.get(1).toString(), p.get(2).toLong(), p.get(3).toLong()));
      }
    }
    return out;
  }

  /** The task at a stream id, or null when it was deleted. */
  public BatchTask task(String streamId) {
    Response r = send(Request.cmd(Command.XRANGE).arg(keys.tasks()).arg(streamId).arg(streamId));
    return r == null || r.size() == 0 ? null : RedisReplies.task(r.get(0));
  }

  /**
   * Finishes a task atomically ({@link Completion}); returns how many results were new (the others
   * already had one: a redelivery after a lost acknowledgement).
   */
  public int complete(BatchTask task, List<ItemResult> results) {
    return RedisReplies.await(completeAsync(task, results), timeout);
  }

  /** {@link #complete} without blocking: for completions arriving on worker threads. */
  public Future<Integer> completeAsync(BatchTask task, List<ItemResult> results) {
    Request eval = Request.cmd(Command.EVAL).arg(Completion.SCRIPT);
    for (Object a : Completion.arguments(keys, task, results)) {
      arg(eval, a);
    }
    return redis.send(eval).map(Response::toInteger);
  }

  /** Acknowledges and deletes a task without a result (a malformed entry). */
  public void discard(String streamId) {
    send(Request.cmd(Command.XACK).arg(keys.tasks()).arg(BatchKeys.GROUP).arg(streamId));
    send(Request.cmd(Command.XDEL).arg(keys.tasks()).arg(streamId));
  }

  // ---- plumbing ----

  private static void arg(Request r, Object value) {
    if (value instanceof byte[] b) {
      r.arg(b);
    } else {
      r.arg(value.toString());
    }
  }

  private Response send(Request request) {
    return RedisReplies.await(redis.send(request), timeout);
  }

  @Override
  public void close() {
    redis.close();
    if (ownedVertx != null) {
      OwnedVertx.close(ownedVertx);
    }
  }
}
