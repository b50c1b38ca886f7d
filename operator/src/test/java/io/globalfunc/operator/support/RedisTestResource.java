package io.globalfunc.operator.support;

import io.globalfunc.core.testing.RedisServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts one real redis-server for the test application and points the Redis client at it. */
public class RedisTestResource implements QuarkusTestResourceLifecycleManager {

  private static volatile RedisServer server;

  /** The running server, so tests can stop and restart it (an outage). */
  public static RedisServer server() {
    return server;
  }

  @Override
  public Map<String, String> start() {
    server = RedisServer.start();
    return Map.of("quarkus.redis.hosts", server.uri());
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
    }
  }
}
