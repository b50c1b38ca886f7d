package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.BatchStatus;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.core.testing.BatchWatch;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.core.testing.RuntimeProcesses;
import io.globalfunc.core.testing.TestLibraries;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Durable batches on one real runtime (one Python worker, so eight tasks in flight at most) and a
 * real Redis: items the runtime cannot encode, a crashing item inside a task of many, and items
 * stored as the bytes their caller sent.
 */
class BatchEdgesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  private static RedisServer redis;
  private static RuntimeProcesses runtimes;
  private static RuntimeProcesses.Runtime rt;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    Map<String, String> files = new HashMap<>(TestLibraries.batchFunctions());
    files.put("Util/code_points.py", "def code_points(s=''):\n    return [ord(c) for c in s]\n");
    files.put(
        "Util/nap.py", "import time\n\n\ndef nap(s=0.15):\n    time.sleep(s)\n    return s\n");
    Path lib = TestLibraries.write(tmp.resolve("lib"), files);
    Map<String, String> env =
        new HashMap<>(RuntimeProcesses.batchEnv(lib, redis.uri(), tmp.resolve("work")));
    env.put("GF_PYTHON_WORKERS", "1");
    runtimes = new RuntimeProcesses();
    rt = runtimes.start(tmp, env);
  }

  @AfterAll
  static void stop() {
    runtimes.close();
    redis.close();
  }

  private static BatchStore store() {
    return BatchStore.connect(null, redis.uri(), new BatchKeys("sp_GlobalFunc", "local"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode[] await(BatchStore store, String id, int n) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!store.status(id).map(BatchStatus::complete).orElse(false)) {
      assertThat(System.nanoTime()).as("batch %s finished in 60 s", id).isLessThan(deadline);
      Thread.sleep(50);
    }
    JsonNode[] out = new JsonNode[n];
    List<String> rs = store.results(id, 0, n);
    for (int i = 0; i < n; i++) {
      out[i] = JSON.readTree(rs.get(i));
    }
    return out;
  }

  @Test
  void itemsTheRuntimeCannotEncodeFailAloneAndNeverWedgeConsumption() throws Exception {
    String deep = "{\"x\":" + "[".repeat(999) + "]".repeat(999) + "}";
    try (BatchStore store = store()) {
      List<byte[]> items = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        items.add(bytes(i % 4 == 0 ? "{\"x\":" + i + "}" : deep));
      }
      String id = store.create("Base.square", items.size());
      store.add(id, "Base.square", 0, items, 1); // one task per item: more than the 8 permits
      JsonNode[] results = await(store, id, items.size());
      for (int i = 0; i < items.size(); i++) {
        if (i % 4 == 0) {
          assertThat(results[i].path("result").asInt()).as("item %d", i).isEqualTo(i * i);
        } else {
          assertThat(results[i].path("ok").asBoolean()).isFalse();
          assertThat(results[i].path("problem").path("detail").asText())
              .as("item %d", i)
              .contains("cannot");
        }
      }
      // Consumption goes on: a plain batch afterwards finishes.
      String next = store.create("Base.square", 3);
      store.add(
          next, "Base.square", 0, List.of(bytes("{\"x\":2}"), bytes("{\"x\":3}"), bytes("{}")), 2);
      JsonNode[] later = await(store, next, 3);
      assertThat(later[1].path("result").asInt()).isEqualTo(9);
    }
  }

  @Test
  void slowItemsAreReadAheadASecondsWorthAndLeftInTheStreamForOtherRuntimes() throws Exception {
    try (BatchStore store = store()) {
      List<byte[]> items = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        items.add(bytes("{\"s\":0.15}"));
      }
      String id = store.create("Util.nap", items.size());
      store.add(id, "Util.nap", 0, items, 4); // 6 tasks of 0.6 s, fewer than the 8 permits
      int most = BatchWatch.mostPending(store, Duration.ofMillis(2500));
      // One worker: the task running, and about a second of tasks ahead; not all six at once.
      assertThat(most).isBetween(1, 4);
      JsonNode[] results = await(store, id, items.size());
      assertThat(results[23].path("result").asDouble()).isEqualTo(0.15);
    }
  }

  @Test
  void aCrashingItemDoesNotTakeItsTaskMatesWithIt() throws Exception {
    try (BatchStore store = store()) {
      List<byte[]> items = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        items.add(bytes("{\"x\":" + i + ",\"bad\":7}"));
      }
      String id = store.create("Bad.crash_on", items.size());
      store.add(id, "Bad.crash_on", 0, items, 50);
      JsonNode[] results = await(store, id, items.size());
      for (int i = 0; i < items.size(); i++) {
        if (i != 7) {
          assertThat(results[i].path("result").asInt()).as("item %d", i).isEqualTo(i);
        }
      }
      assertThat(results[7].path("problem").path("type").asText()).endsWith("/worker-crashed");
      assertThat(results[7].path("problem").path("detail").asText()).contains("crashed");
      assertThat(store.deadLetters(id)).containsExactly(7);
      BatchStatus s = store.status(id).orElseThrow();
      assertThat(s.done()).isEqualTo(99);
      assertThat(s.deadLettered()).isEqualTo(1);
      // A task reclaimed while it still ran may have queued a retry twice: the copy finds the
      // result stored, changes nothing, and is acknowledged; the stream drains.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (store.queued() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(store.queued()).isZero();
      assertThat(store.status(id).orElseThrow().done()).isEqualTo(99);
    }
  }

  @Test
  void aCrashingMapItemFailsAloneInsideItsFrame() throws Exception {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < 300; i++) {
      body.append(i == 0 ? "" : ",").append("{\"x\":").append(i).append(",\"bad\":150}");
    }
    body.append(']');
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(rt.uri("/v1/map/Bad/crash_on"))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode out = JSON.readTree(r.body());
    assertThat(out).hasSize(300);
    for (int i = 0; i < 300; i++) {
      if (i != 150) {
        assertThat(out.get(i).path("result").asInt()).as("item %d", i).isEqualTo(i);
      }
    }
    assertThat(out.get(150).path("problem").path("type").asText()).endsWith("/worker-crashed");
  }

  @Test
  void itemsAreStoredAsTheBytesTheCallerSent() throws Exception {
    String body = "[{\"s\":\"\\ud800\"},{\"s\":\"é中\\ud83d\\ude00\"}]";
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(rt.uri("/v1/batches/Util/code_points"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = JSON.readTree(r.body()).path("id").asText();
    try (BatchStore store = store()) {
      JsonNode[] results = await(store, id, 2);
      assertThat(results[0].path("result").toString())
          .as(results[0].toString())
          .isEqualTo("[55296]");
      assertThat(results[1].path("result").toString()).isEqualTo("[233,20013,128512]");
    }
  }
}
