package io.globalfunc.core.catalog;

import io.globalfunc.core.redis.OwnedVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The Redis cache of catalog reads (through the Vert.x Redis client, the one Quarkus wraps). Every
 * failure is soft: a read that cannot reach Redis is a miss, and after a failure Redis is left
 * alone for a short back-off so an outage costs one timeout, not one per read.
 */
final class RedisCache implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RedisCache.class);
  private static final Duration BACKOFF = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final RedisAPI api;
  private final Redis redis;
  private final String location;
  private final Duration timeout;
  private final Duration ttl;
  private final AtomicLong downUntil = new AtomicLong();

  RedisCache(String uri, Duration timeout, Duration ttl) {
    this.location = CatalogConfig.redact(uri);
    this.timeout = timeout;
    this.ttl = ttl;
    this.vertx = OwnedVertx.create();
    NetClientOptions net = new NetClientOptions().setConnectTimeout((int) timeout.toMillis());
    this.redis =
        Redis.createClient(
            vertx,
            new RedisOptions()
                .setConnectionString(uri)
                .setNetClientOptions(net)
                .setMaxPoolSize(4)
                .setMaxPoolWaiting(256));
    this.api = RedisAPI.api(redis);
  }

  String location() {
    return location;
  }

  /** True when Redis answered a PING now. */
  boolean ping() {
    return call(() -> api.ping(List.of())).isPresent();
  }

  /** The cached value, or empty on a miss or when Redis is unavailable. */
  Optional<String> get(String key) {
    return call(() -> api.get(key)).map(Response::toString);
  }

  /** Caches a value with the cache's time to live; false when Redis is unavailable. */
  boolean put(String key, String value) {
    return call(() -> api.set(List.of(key, value, "PX", Long.toString(ttl.toMillis()))))
        .isPresent();
  }

  /** Drops cached values; false when Redis is unavailable (entries then age out by TTL). */
  boolean invalidate(Collection<String> keys) {
    if (keys.isEmpty()) {
      return true;
    }
    List<String> all = new ArrayList<>(keys);
    for (int from = 0; from < all.size(); from += 1000) {
      List<String> slice = all.subList(from, Math.min(all.size(), from + 1000));
      if (call(() -> api.del(slice)).isEmpty() && isDown()) {
        return false;
      }
    }
    return true;
  }

  boolean isDown() {
    return System.nanoTime() < downUntil.get();
  }

  private Optional<Response> call(Supplier<Future<Response>> command) {
    if (isDown()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(
          command
              .get()
              .toCompletionStage()
              .toCompletableFuture()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      if (downUntil.getAndSet(System.nanoTime() + BACKOFF.toNanos()) == 0) {
        LOG.warnf("Redis at %s is unavailable (%s); reading from MongoDB", location, cause);
      }
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    try {
      redis.close();
    } finally {
      OwnedVertx.close(vertx);
    }
  }
}
