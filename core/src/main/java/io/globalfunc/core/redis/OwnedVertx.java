package io.globalfunc.core.redis;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The small Vert.x instance a process without Quarkus ({@code gf}, tests) makes for a Redis client,
 * and its closing, which waits: an event-loop thread still in {@code epoll_wait} when the JVM exits
 * holds the exit back 300 ms (HotSpot waits that long for threads in native code).
 */
public final class OwnedVertx {

  private OwnedVertx() {}

  /** One event loop and one worker thread: a Redis client needs no more. */
  public static Vertx create() {
    return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  }

  /** Closes {@code vertx} and waits up to 5 s for its threads to stop; best effort. */
  public static void close(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the process is about to end or the client is gone: nothing more to do with it
    }
  }
}
