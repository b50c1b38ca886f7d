package io.globalfunc.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.core.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A producer waiting for results is woken by the step that stores them, on a real redis-server: the
 * completion leaves one mark in the batch's progress list, which the wait takes.
 */
class BatchProgressIT {

  static RedisServer redis;
  static BatchStore store;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    store = BatchStore.connect(null, redis.uri(), new BatchKeys("sp", "main"));
    store.ensureGroup();
  }

  @AfterAll
  static void stop() {
    store.close();
    redis.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void storedResultsWakeTheWaitingProducerOnceAndOnlyNewOnesDo() {
    String id = store.create("Base.f", 3);
    store.add(id, "Base.f", 0, List.of(b("{}"), b("{}"), b("{}")), 3);
    List<BatchTask> tasks = store.read("c1", 10, Duration.ofSeconds(1));
    assertThat(tasks).hasSize(1);
    assertThat(store.awaitProgress(id, Duration.ofMillis(50))).isFalse();

    BatchTask t = tasks.get(0);
    List<ItemResult> results =
        List.of(
            ItemResult.of(0, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":0}")),
            ItemResult.of(1, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":1}")),
            ItemResult.of(2, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":2}")));
    assertThat(store.complete(t, results)).isEqualTo(3);
    assertThat(store.awaitProgress(id, Duration.ofSeconds(5))).isTrue();
    // One mark however many results: the next wait has nothing to take.
    assertThat(store.awaitProgress(id, Duration.ofMillis(50))).isFalse();
    assertThat(store.results(id, 0, 3)).doesNotContainNull();

    // A redelivered task whose results were all stored already says nothing new.
    assertThat(store.complete(t, results)).isZero();
    assertThat(store.awaitProgress(id, Duration.ofMillis(50))).isFalse();
  }
}
