package io.globalfunc.core.batch;

import io.globalfunc.core.naming.BatchKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A release's durable batch queue on Redis Streams: producers add tasks to one stream, every
 * runtime serving the release reads it through one consumer group, and a result is stored
 * (idempotently, per batch and item) in the same atomic step that acknowledges and deletes its
 * task. Blocking calls: use from worker or dedicated threads, never an event loop.
 */
public final class BatchStore implements AutoCloseable {

  /** How long a finished batch's state and results are kept. */
  public static final Duration RETENTION = Duration.ofDays(7);

  private static final String COMPLETE =
      """
      local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
      if added == 1 then
        redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
        redis.call('EXPIRE', KEYS[1], ARGV[6])
        redis.call('EXPIRE', KEYS[2], ARGV[6])
        if ARGV[3] == 'dead' then
          redis.call('RPUSH', KEYS[4], ARGV[1])
          redis.call('EXPIRE', KEYS[4], ARGV[6])
        end
      end
      redis.call('XACK', KEYS[3], ARGV[4], ARGV[5])
      redis.call('XDEL', KEYS[3], ARGV[5])
      return added
      """;

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

  /** One task as read from the stream. */
  public record Task(String streamId, String batchId, int item, String function, String kwargs) {}

  /** A pending task's delivery record. */
  public record Pending(String streamId, String consumer, long idleMillis, long deliveries) {}

  /** What a batch has done so far; {@code total} is -1 when Redis lost the batch. */
  public record Status(
      String id, String function, long total, long done, long failed, long deadLettered) {
    public long finished() {
      return done + failed + deadLettered;
    }

    public boolean complete() {
      return total >= 0 && finished() >= total;
    }

    public boolean lost() {
      return total < 0;
    }
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

  /** Adds items {@code from..from+kwargs.size()-1} to the release's stream, pipelined. */
  public void add(String id, String function, int from, List<String> kwargs) {
    BatchKeys.requireId(id);
    List<Request> requests = new ArrayList<>(kwargs.size());
    for (int i = 0; i < kwargs.size(); i++) {
      requests.add(
          Request.cmd(Command.XADD)
              .arg(keys.tasks())
              .arg("*")
              .arg("batch")
              .arg(id)
              .arg("item")
              .arg(from + i)
              .arg("fn")
              .arg(function)
              .arg("kwargs")
              .arg(kwargs.get(i)));
    }
    await(redis.batch(requests));
  }

  /** The batch's progress, or empty when no such batch exists (never created, or expired). */
  public Optional<Status> status(String id) {
    Response r = send(Request.cmd(Command.HGETALL).arg(keys.meta(id)));
    Map<String, String> m = toMap(r);
    if (m.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Status(
            id,
            m.get("function"),
            m.containsKey("total") ? Long.parseLong(m.get("total")) : -1,
            parse(m.get("done")),
            parse(m.get("failed")),
            parse(m.get("dead"))));
  }

  /**
   * Results of items {@code from..from+count-1}: each a JSON envelope, or {@code null} if not done.
   */
  public List<String> results(String id, int from, int count) {
    Request r = Request.cmd(Command.HMGET).arg(keys.results(id));
    for (int i = 0; i < count; i++) {
      r.arg(from + i);
    }
    Response resp = send(r);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Response v = resp.get(i);
      out.add(v == null ? null : v.toString());
    }
    return out;
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
      if (!String.valueOf(e.getMessage()).contains("BUSYGROUP")) {
        throw e;
      }
    }
  }

  /** Reads up to {@code count} new tasks for {@code consumer}, waiting up to {@code block}. */
  public List<Task> read(String consumer, int count, Duration block) {
    Response r =
        send(
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
                .arg(">"),
            timeout.plus(block));
    List<Task> out = new ArrayList<>();
    if (r == null) {
      return out; // BLOCK timed out
    }
    for (Response stream : r) { // RESP2: [[key, [[id, [field, value, ...]], ...]]]
      for (Response e : stream.get(1)) {
        Task t = toTask(e);
        if (t != null) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /** Claims tasks idle longer than {@code minIdle} (their consumer died or lost them). */
  public List<Task> reclaim(String consumer, Duration minIdle, int count) {
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
    List<Task> out = new ArrayList<>();
    if (r != null && r.size() > 1) {
      for (Response e : r.get(1)) {
        Task t = toTask(e);
        if (t != null) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /** Pending tasks idle longer than {@code minIdle}, with how often each was delivered. */
  public List<Pending> pending(Duration minIdle, int count) {
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
    List<Pending> out = new ArrayList<>();
    if (r != null) {
      for (Response p : r) {
        out.add(
            new Pending(
                p.get(0).toString(), p.get(1).toString(), p.get(2).toLong(), p.get(3).toLong()));
      }
    }
    return out;
  }

  /** The task at a stream id, or null when it was deleted. */
  public Task task(String streamId) {
    Response r = send(Request.cmd(Command.XRANGE).arg(keys.tasks()).arg(streamId).arg(streamId));
    return r == null || r.size() == 0 ? null : toTask(r.get(0));
  }

  /** True when the task's item already has a result (a redelivery after a lost ack). */
  public boolean hasResult(Task t) {
    return send(Request.cmd(Command.HEXISTS).arg(keys.results(t.batchId())).arg(t.item()))
            .toInteger()
        == 1;
  }

  /** Outcome of an item, for the counters. */
  public enum Outcome {
    DONE("done"),
    FAILED("failed"),
    DEAD("dead");

    final String counter;

    Outcome(String counter) {
      this.counter = counter;
    }
  }

  /**
   * Stores an item's result envelope (first writer wins) and acknowledges and deletes its task,
   * atomically; returns false when the item already had a result.
   */
  public boolean complete(Task t, String envelope, Outcome outcome) {
    return send(completion(t, envelope.getBytes(java.nio.charset.StandardCharsets.UTF_8), outcome))
            .toInteger()
        == 1;
  }

  /** {@link #complete} without blocking: for completions arriving on worker threads. */
  public Future<Boolean> completeAsync(Task t, byte[] envelope, Outcome outcome) {
    return redis.send(completion(t, envelope, outcome)).map(r -> r.toInteger() == 1);
  }

  private Request completion(Task t, byte[] envelope, Outcome outcome) {
    return Request.cmd(Command.EVAL)
        .arg(COMPLETE)
        .arg(4)
        .arg(keys.results(t.batchId()))
        .arg(keys.meta(t.batchId()))
        .arg(keys.tasks())
        .arg(keys.deadLetters(t.batchId()))
        .arg(t.item())
        .arg(envelope)
        .arg(outcome.counter)
        .arg(BatchKeys.GROUP)
        .arg(t.streamId())
        .arg(RETENTION.toSeconds());
  }

  /** Acknowledges and deletes a task without a result (a malformed entry). */
  public void discard(String streamId) {
    send(Request.cmd(Command.XACK).arg(keys.tasks()).arg(BatchKeys.GROUP).arg(streamId));
    send(Request.cmd(Command.XDEL).arg(keys.tasks()).arg(streamId));
  }

  // ---- plumbing ----

  private static Task toTask(Response entry) {
    if (entry == null || entry.size() < 2 || entry.get(1) == null) {
      return null;
    }
    String id = entry.get(0).toString();
    Map<String, String> f = toMap(entry.get(1));
    try {
      return new Task(
          id, f.get("batch"), Integer.parseInt(f.get("item")), f.get("fn"), f.get("kwargs"));
    } catch (RuntimeException e) {
      return new Task(id, null, -1, null, null);
    }
  }

  private static Map<String, String> toMap(Response r) {
    Map<String, String> m = new HashMap<>();
    if (r == null) {
      return m;
    }
    for (int i = 0; i + 1 < r.size(); i += 2) { // RESP2 flat field/value arrays
      m.put(r.get(i).toString(), r.get(i + 1) == null ? null : r.get(i + 1).toString());
    }
    return m;
  }

  private static long parse(String s) {
    return s == null ? 0 : Long.parseLong(s);
  }

  private Response send(Request request) {
    return send(request, timeout);
  }

  private Response send(Request request, Duration limit) {
    return await(redis.send(request), limit);
  }

  private <T> T await(Future<T> future) {
    return await(future, timeout);
  }

  private static <T> T await(Future<T> future, Duration limit) {
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

  @Override
  public void close() {
    redis.close();
    if (ownedVertx != null) {
      ownedVertx.close();
    }
  }
}
