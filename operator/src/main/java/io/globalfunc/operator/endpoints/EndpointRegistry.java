package io.globalfunc.operator.endpoints;

import io.globalfunc.core.error.GlobalFuncException;
import io.globalfunc.core.naming.EndpointKeys;
import io.globalfunc.operator.common.Reason;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The endpoint registry in Redis. Redis is soft state: every entry expires unless a resync
 * refreshes it, and {@link #sync} makes one worker's entries equal the Ready pods Kubernetes
 * reports, so a lost or flushed Redis is rebuilt by the next resync. Keys are spelled by {@link
 * EndpointKeys}. Failures surface as {@link RegistryUnavailableException}.
 */
@ApplicationScoped
public class EndpointRegistry {

  private final RedisDataSource redis;
  private final Duration ttl;

  @Inject
  public EndpointRegistry(
      RedisDataSource redis,
      @ConfigProperty(name = "gf.endpoints.ttl", defaultValue = "90s") Duration ttl) {
    this.redis = redis;
    this.ttl = ttl;
  }

  /** Thrown when Redis cannot be reached or answers with an error. */
  public static class RegistryUnavailableException extends GlobalFuncException {
    public RegistryUnavailableException(Throwable cause) {
      super(Reason.REDIS_UNAVAILABLE, "Redis unavailable: " + cause.getMessage(), cause);
    }
  }

  /**
   * Registers (and refreshes the TTL of) every endpoint in {@code ready} and removes this worker's
   * entries for pods not in it.
   */
  public void sync(String space, String namespace, String worker, Collection<Endpoint> ready) {
    guard(
        () -> {
          String workerIndex = EndpointKeys.workerIndex(space, namespace, worker);
          Set<String> registered = new HashSet<>(redis.set(String.class).smembers(workerIndex));
          Set<String> wanted = ready.stream().map(Endpoint::pod).collect(Collectors.toSet());
          for (String pod : registered) {
            if (!wanted.contains(pod)) {
              remove(space, namespace, worker, pod);
            }
          }
          for (Endpoint e : ready) {
            String key = EndpointKeys.endpoint(space, namespace, e.pod());
            redis.hash(String.class).hset(key, e.fields());
            redis.key().expire(key, ttl);
            redis.set(String.class).sadd(workerIndex, e.pod());
            redis
                .set(String.class)
                .sadd(EndpointKeys.spaceIndex(space), EndpointKeys.member(namespace, e.pod()));
          }
          if (!ready.isEmpty()) {
            redis.key().expire(workerIndex, ttl);
            redis.key().expire(EndpointKeys.spaceIndex(space), ttl);
          }
        });
  }

  /** Removes one pod's endpoint (before the pod is deleted). */
  public void deregister(String space, String namespace, String worker, String pod) {
    guard(() -> remove(space, namespace, worker, pod));
  }

  /** Removes every endpoint of a worker (on deletion or when its space changes). */
  public void removeWorker(String space, String namespace, String worker) {
    guard(
        () -> {
          String workerIndex = EndpointKeys.workerIndex(space, namespace, worker);
          for (String pod : redis.set(String.class).smembers(workerIndex)) {
            remove(space, namespace, worker, pod);
          }
          redis.key().del(workerIndex);
        });
  }

  /** The stored endpoint of a pod, or an empty map (for tests and tools). */
  public Map<String, String> read(String space, String namespace, String pod) {
    return guardGet(
        () -> redis.hash(String.class).hgetall(EndpointKeys.endpoint(space, namespace, pod)));
  }

  /** The pods a worker has registered. */
  public Set<String> registeredPods(String space, String namespace, String worker) {
    return guardGet(
        () -> redis.set(String.class).smembers(EndpointKeys.workerIndex(space, namespace, worker)));
  }

  private void remove(String space, String namespace, String worker, String pod) {
    redis.key().del(EndpointKeys.endpoint(space, namespace, pod));
    redis.set(String.class).srem(EndpointKeys.workerIndex(space, namespace, worker), pod);
    redis
        .set(String.class)
        .srem(EndpointKeys.spaceIndex(space), EndpointKeys.member(namespace, pod));
  }

  private void guard(Runnable action) {
    guardGet(
        () -> {
          action.run();
          return null;
        });
  }

  private <T> T guardGet(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      throw new RegistryUnavailableException(e);
    }
  }
}
