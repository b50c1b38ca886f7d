package io.globalfunc.runtime.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.naming.MemoKeys;
import io.globalfunc.runtime.RuntimeConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Memoised results of pure functions ({@code __gf_pure__ = True}), keyed by {@link MemoKeys}: in
 * Redis with a TTL when {@code GF_REDIS_URI} is set (shared by every runtime of the space), else in
 * an in-process LRU. A Redis failure is a miss, never a failed call.
 */
@ApplicationScoped
public class Memo {

  private static final Logger LOG = Logger.getLogger(Memo.class);

  /** A remembered answer and when it stops counting. */
  private record Entry(byte[] json, long expiresNanos) {}

  private final RuntimeConfig config;
  private final Redis redis;
  private final Map<String, Entry> local;

  Memo(RuntimeConfig config, Vertx vertx) {
    this.config = config;
    this.redis =
        config
            .redisUri()
            .map(
                uri ->
                    Redis.createClient(
                        vertx,
                        new RedisOptions()
                            .setConnectionString(uri)
                            .setNetClientOptions(new NetClientOptions().setConnectTimeout(3000))
                            .setMaxPoolSize(8)
                            .setMaxPoolWaiting(1024)))
            .orElse(null);
    int size = config.memoSize();
    this.local =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > size;
          }
        };
  }

  void onStop(@Observes ShutdownEvent event) {
    if (redis != null) {
      redis.close();
    }
  }

  /** False when memoisation is off (no Redis and an in-process size of 0). */
  public boolean enabled() {
    return redis != null || config.memoSize() > 0;
  }

  /** The key of a pure function's call. */
  public String key(ServedFunction fn, JsonNode args, JsonNode kwargs) {
    return MemoKeys.result(config.space(), fn.meta().hash(), canonical(args, kwargs));
  }

  /** The stored result's JSON, or {@code null} on a miss. */
  public CompletableFuture<byte[]> get(String key) {
    if (redis == null) {
      synchronized (local) {
        Entry e = local.get(key);
        if (e != null && e.expiresNanos() - System.nanoTime() < 0) {
          local.remove(key);
          e = null;
        }
        return CompletableFuture.completedFuture(e == null ? null : e.json());
      }
    }
    CompletableFuture<byte[]> out = new CompletableFuture<>();
    redis
        .send(Request.cmd(Command.GET).arg(key))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.debugf("memo read failed: %s", ar.cause().getMessage());
                out.complete(null);
              } else {
                out.complete(ar.result() == null ? null : ar.result().toBytes());
              }
            });
    return out;
  }

  /**
   * Stores a result for the configured TTL; completes when stored (or failed, which is only
   * logged), so a call that answered is a hit for every runtime from then on.
   */
  public CompletableFuture<Void> put(String key, byte[] json) {
    long ttl = config.memoTtl().toMillis();
    if (redis == null) {
      synchronized (local) {
        local.put(key, new Entry(json, System.nanoTime() + ttl * 1_000_000L));
      }
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> out = new CompletableFuture<>();
    redis
        .send(Request.cmd(Command.SET).arg(key).arg(json).arg("PX").arg(ttl))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.debugf("memo write failed: %s", ar.cause().getMessage());
              }
              out.complete(null);
            });
    return out;
  }

  /**
   * The canonical JSON of a call's arguments: object keys sorted at every depth, numbers as written
   * (so {@code 1} and {@code 1.0}, an int and a float in Python, stay apart).
   */
  public static String canonical(JsonNode args, JsonNode kwargs) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.set("args", args == null || args.isNull() ? n.arrayNode() : sorted(args));
    n.set("kwargs", kwargs == null || kwargs.isNull() ? n.objectNode() : sorted(kwargs));
    return n.toString();
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      names.forEach(k -> out.set(k, sorted(node.get(k))));
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(c -> out.add(sorted(c)));
      return out;
    }
    return node;
  }
}
