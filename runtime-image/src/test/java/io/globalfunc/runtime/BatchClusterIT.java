package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.BatchProducer;
import io.globalfunc.core.batch.BatchStatus;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.core.testing.RuntimeProcesses;
import io.globalfunc.core.testing.TestLibraries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable batches across several real runtime processes sharing one real Redis: a runtime killed
 * mid-batch, Redis restarted mid-batch, and an item that always crashes its worker.
 */
class BatchClusterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  private static RedisServer redis;
  private static RuntimeProcesses runtimes;
  private static Map<String, String> env;
  private static final List<RuntimeProcesses.Runtime> started = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    redis = RedisServer.start();
    Map<String, String> files = new HashMap<>(TestLibraries.batchFunctions());
    files.put(
        "Util/mark.py",
        """
        import time


        def mark(path, i, s=0.5):
            time.sleep(s)
            with open(path, "a") as f:
                f.write(f"{i}\\n")
            return i
        """);
    Path lib = TestLibraries.write(tmp.resolve("lib"), files);
    env = RuntimeProcesses.batchEnv(lib, redis.uri(), tmp.resolve("work"));
    runtimes = new RuntimeProcesses();
    started.addAll(runtimes.start(3, tmp, env));
  }

  @AfterAll
  static void stopCluster() {
    runtimes.close();
    redis.close();
  }

  private static BatchStore store() {
    return BatchStore.connect(null, redis.uri(), new BatchKeys("sp_GlobalFunc", "local"));
  }

  private static List<byte[]> items(int n) {
    List<byte[]> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(("{\"x\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    return items;
  }

  @Test
  void aRuntimeKilledMidBatchLosesAndDuplicatesNothing() throws Exception {
    try (BatchStore store = store()) {
      assertThat(store.functions()).contains("Base.square");
      BatchProducer producer =
          new BatchProducer(store, Duration.ofMillis(50), Duration.ofSeconds(10));
      List<byte[]> items = items(10_000);
      String id = producer.submit("Base.square", items);
      while (store.status(id).orElseThrow().finished() < 1500) {
        Thread.sleep(20);
      }
      started.get(0).process().destroyForcibly().waitFor();

      JsonNode[] results = awaitEnvelopes(producer, id, "Base.square", items);
      for (int i = 0; i < results.length; i++) {
        assertThat(results[i].path("ok").asBoolean()).as("item %d", i).isTrue();
        assertThat(results[i].path("result").asLong()).as("item %d", i).isEqualTo((long) i * i);
      }
      BatchStatus s = store.status(id).orElseThrow();
      assertThat(s.done()).as("each item counted once").isEqualTo(10_000);
      assertThat(s.failed() + s.deadLettered()).isZero();
      assertThat(store.queued()).isZero();
    }
    // Batch items count in gf_calls_seconds, told apart from interactive calls by their mode.
    String metrics =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(started.get(1).uri("/q/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("gf_calls_seconds_count{function=\"Base.square\",mode=\"batch\",outcome=\"ok\"}");
  }

  @Test
  void anItemThatAlwaysCrashesIsDeadLetteredAndTheBatchFinishes() throws Exception {
    try (BatchStore store = store()) {
      BatchProducer producer =
          new BatchProducer(store, Duration.ofMillis(50), Duration.ofSeconds(30));
      List<byte[]> items = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        items.add(("{\"x\":" + i + ",\"bad\":7}").getBytes(StandardCharsets.UTF_8));
      }
      String id = producer.submit("Bad.crash_on", items);
      JsonNode[] results = awaitEnvelopes(producer, id, "Bad.crash_on", items);
      assertThat(results[7].path("ok").asBoolean()).isFalse();
      assertThat(results[7].path("problem").path("type").asText()).endsWith("/worker-crashed");
      for (int i = 0; i < 20; i++) {
        if (i != 7) {
          assertThat(results[i].path("result").asInt()).isEqualTo(i);
        }
      }
      assertThat(store.deadLetters(id)).containsExactly(7);
      assertThat(store.status(id).orElseThrow().deadLettered()).isEqualTo(1);
    }
  }

  @Test
  void aBatchCompletesAfterRedisRestartsAndLosesEverything() throws Exception {
    try (BatchStore store = store()) {
      BatchProducer producer =
          new BatchProducer(store, Duration.ofMillis(50), Duration.ofSeconds(3));
      List<byte[]> items = items(3000);
      String id = producer.submit("Base.slow_square", items);
      JsonNode[] results = new JsonNode[items.size()];
      Thread restarter =
          new Thread(
              () -> {
                try {
                  while (store.status(id).map(BatchStatus::finished).orElse(0L) < 300) {
                    Thread.sleep(20);
                  }
                  redis.restart();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      restarter.start();
      producer.await(
          id,
          "Base.slow_square",
          items,
          0,
          true,
          (i, env) -> results[i] = JSON.readTree(env),
          (d, t) -> {});
      restarter.join();
      for (int i = 0; i < results.length; i++) {
        assertThat(results[i].path("result").asLong()).as("item %d", i).isEqualTo((long) i * i);
      }
    }
  }

  @Test
  void aTaskRunningLongerThanTheReclaimIdleTimeIsNotTakenFromItsLiveRuntime() throws Exception {
    // One task of 24 half-second items: 6 s on its runtime's two workers, three times the reclaim
    // idle time (2 s); the other runtimes are idle and reclaim what looks abandoned.
    Path marks = tmp.resolve("marks.txt");
    try (BatchStore store = store()) {
      List<byte[]> items = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        items.add(
            JSON.writeValueAsBytes(Map.of("path", marks.toString(), "i", i))); // s = 0.5 by default
      }
      String id = store.create("Util.mark", items.size());
      store.add(id, "Util.mark", 0, items, items.size());
      BatchProducer producer =
          new BatchProducer(store, Duration.ofMillis(50), Duration.ofSeconds(30));
      JsonNode[] results = awaitEnvelopes(producer, id, "Util.mark", items);
      for (int i = 0; i < results.length; i++) {
        assertThat(results[i].path("result").asInt()).as("item %d", i).isEqualTo(i);
      }
      // Each item ran once: nobody took the running task for abandoned and ran it again.
      assertThat(Files.readAllLines(marks)).hasSize(24).doesNotHaveDuplicates();
      BatchStatus s = store.status(id).orElseThrow();
      assertThat(s.done()).isEqualTo(24);
      assertThat(s.failed() + s.deadLettered()).isZero();
    }
  }

  /** Waits for every result of batch {@code id}, as envelopes with their provenance, in order. */
  static JsonNode[] awaitEnvelopes(
      BatchProducer producer, String id, String function, List<byte[]> items) throws Exception {
    JsonNode[] results = new JsonNode[items.size()];
    producer.await(
        id, function, items, 0, true, (i, env) -> results[i] = JSON.readTree(env), (d, t) -> {});
    return results;
  }
}
