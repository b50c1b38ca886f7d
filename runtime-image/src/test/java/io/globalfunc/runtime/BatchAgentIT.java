package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.BatchProducer;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable batches the way a worker pod runs them: each "pod" is a runtime process without any Redis
 * setting and a batch agent process ({@code GF_BATCH_AGENT=true}) that alone reads the Redis URI
 * (from a {@code GF_REDIS_URI_FILE}) and runs its tasks on the runtime over HTTP. Real Redis, real
 * processes: a pod killed mid-batch, an item that always crashes its worker, exact result bytes.
 */
class BatchAgentIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path tmp;
  private static RedisServer redis;
  private static RuntimeProcesses processes;
  private static final List<RuntimeProcesses.Runtime[]> pods = new ArrayList<>();

  @BeforeAll
  static void startPods() throws Exception {
    redis = RedisServer.start();
    Map<String, String> files = new HashMap<>(TestLibraries.batchFunctions());
    files.put(
        "Exact/values.py",
        "def values(x=0):\n    return {\"f\": 1.0, \"big\": 10**30 + x, \"s\": \"\\u4e2d\"}\n");
    files.put(
        "Util/nap.py", "import time\n\n\ndef nap(s=0.15):\n    time.sleep(s)\n    return s\n");
    Path lib = TestLibraries.write(tmp.resolve("lib"), files);
    Path secret = tmp.resolve("secret/redis-uri");
    Files.createDirectories(secret.getParent());
    Files.writeString(secret, redis.uri() + "\n");
    processes = new RuntimeProcesses();
    for (int i = 0; i < 2; i++) {
      RuntimeProcesses.Runtime runtime =
          processes.start(
              tmp,
              Map.of(
                  "GF_FUNCTIONS_DIR", lib.toString(),
                  "GF_BRANCH", "local",
                  "GF_TIMEOUT", "5s",
                  "GF_BATCH_SHARE", "1",
                  "GF_PYTHON_WORKERS", "2",
                  "GF_WORK_DIR", tmp.resolve("work").toString()));
      RuntimeProcesses.Runtime agent =
          processes.start(
              tmp,
              Map.of(
                  "GF_BATCH_AGENT", "true",
                  "GF_RUNTIME_URL", "http://127.0.0.1:" + runtime.port(),
                  "GF_REDIS_URI_FILE", secret.toString(),
                  "GF_BRANCH", "local",
                  "GF_TIMEOUT", "5s",
                  "GF_BATCH_RECLAIM_IDLE", "2s"));
      pods.add(new RuntimeProcesses.Runtime[] {runtime, agent});
    }
  }

  @AfterAll
  static void stopPods() {
    processes.close();
    redis.close();
  }

  private static BatchStore store() {
    return BatchStore.connect(null, redis.uri(), new BatchKeys("sp_GlobalFunc", "local"));
  }

  private static BatchProducer producer(BatchStore store, Duration stall) {
    return new BatchProducer(store, Duration.ofMillis(50), stall);
  }

  @Test
  void agentsReadSlowItemsAheadBySecondsOfTheirRuntimesPaceNotByTheirEightPermits()
      throws Exception {
    try (BatchStore store = store()) {
      waitForAnnounced(store, "Util.nap");
      List<byte[]> items = new ArrayList<>();
      for (int i = 0; i < 96; i++) {
        items.add("{\"s\":0.15}".getBytes(StandardCharsets.UTF_8));
      }
      String id = store.create("Util.nap", items.size());
      store.add(id, "Util.nap", 0, items, 4); // 24 tasks of 0.6 s; two pods of 8 permits each
      int most = BatchWatch.mostPending(store, Duration.ofMillis(2500));
      // About a second of tasks per pod (four at most), not the sixteen the permits allow.
      assertThat(most).isBetween(2, 10);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!store.status(id).orElseThrow().complete()) {
        assertThat(System.nanoTime()).as("the batch finished in 60 s").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  @Test
  void aPodKilledMidBatchLosesAndDuplicatesNothingAndTheRuntimeRanItemsAsBatchWork()
      throws Exception {
    try (BatchStore store = store()) {
      waitForAnnounced(store, "Base.square");
      BatchProducer producer = producer(store, Duration.ofSeconds(10));
      List<byte[]> items = new ArrayList<>();
      for (int i = 0; i < 6000; i++) {
        items.add(("{\"x\":" + i + "}").getBytes(StandardCharsets.UTF_8));
      }
      String id = producer.submit("Base.square", items);
      while (store.status(id).orElseThrow().finished() < 1000) {
        Thread.sleep(20);
      }
      for (RuntimeProcesses.Runtime p : pods.get(0)) {
        p.process().destroyForcibly().waitFor();
      }
      JsonNode[] results = BatchClusterIT.awaitEnvelopes(producer, id, "Base.square", items);
      for (int i = 0; i < results.length; i++) {
        assertThat(results[i].path("ok").asBoolean()).as("item %d", i).isTrue();
        assertThat(results[i].path("result").asLong()).as("item %d", i).isEqualTo((long) i * i);
      }
      BatchStatus s = store.status(id).orElseThrow();
      assertThat(s.done()).as("each item counted once").isEqualTo(items.size());
      assertThat(s.failed() + s.deadLettered()).isZero();
      assertThat(store.queued()).isZero();
    }
    String metrics = get(pods.get(1)[0], "/q/metrics").body();
    assertThat(metrics)
        .as("the runtime ran the agent's items as batch work (GF-Priority: background)")
        .contains("gf_calls_seconds_count{function=\"Base.square\",mode=\"batch\",outcome=\"ok\"}")
        .doesNotContain("function=\"Base.square\",mode=\"map\"");
  }

  @Test
  void anItemThatAlwaysCrashesItsWorkerIsDeadLetteredThroughTheAgent() throws Exception {
    try (BatchStore store = store()) {
      waitForAnnounced(store, "Bad.crash_on");
      BatchProducer producer = producer(store, Duration.ofSeconds(30));
      List<byte[]> items = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        items.add(("{\"x\":" + i + ",\"bad\":7}").getBytes(StandardCharsets.UTF_8));
      }
      String id = producer.submit("Bad.crash_on", items);
      JsonNode[] results = BatchClusterIT.awaitEnvelopes(producer, id, "Bad.crash_on", items);
      assertThat(results[7].path("problem").path("type").asText()).endsWith("/worker-crashed");
      assertThat(results[7].path("problem").path("detail").asText()).contains("dead-lettered");
      for (int i = 0; i < 20; i++) {
        if (i != 7) {
          assertThat(results[i].path("result").asInt()).as("item %d", i).isEqualTo(i);
        }
      }
      assertThat(store.deadLetters(id)).containsExactly(7);
    }
  }

  @Test
  void resultsAndFailuresAreStoredAsTheRuntimeWroteThemAndTheRuntimeHoldsNoRedis()
      throws Exception {
    String id;
    try (BatchStore store = store()) {
      waitForAnnounced(store, "Exact.values");
      BatchProducer producer = producer(store, Duration.ofSeconds(30));
      List<byte[]> items =
          Stream.of("{\"x\":1}", "{\"x\":\"a\"}", "{\"y\":2}", "[1]")
              .map(s -> s.getBytes(StandardCharsets.UTF_8))
              .toList();
      id = producer.submit("Exact.values", items);
      String[] stored = new String[items.size()];
      producer.await(
          id,
          "Exact.values",
          items,
          0,
          true,
          (i, env) -> stored[i] = new String(env, StandardCharsets.UTF_8),
          (d, t) -> {});
      assertThat(stored[0])
          .as("the result's bytes as the runtime wrote them, then its provenance")
          .startsWith(
              "{\"ok\":true,\"result\":{\"f\":1.0,\"big\":1000000000000000000000000000001,"
                  + "\"s\":\"中\"},");
      assertThat(JSON.readTree(stored[0]).path("function").asText())
          .isEqualTo("sp_GlobalFunc.Exact_local.values");
      assertThat(JSON.readTree(stored[0]).path("hash").asText()).isNotEmpty();
      JsonNode raised = JSON.readTree(stored[1]).path("problem");
      assertThat(raised.path("type").asText()).endsWith("/function-raised");
      assertThat(raised.path("exception").path("type").asText()).isEqualTo("TypeError");
      assertThat(raised.path("exception").path("traceback").asText()).contains("Traceback");
      assertThat(JSON.readTree(stored[2]).path("problem").path("type").asText())
          .endsWith("/bad-arguments");
      assertThat(JSON.readTree(stored[3]).path("problem").path("type").asText())
          .endsWith("/invalid-request");
    }
    HttpResponse<String> submit =
        HTTP.send(
            HttpRequest.newBuilder(pods.get(1)[0].uri("/v1/batches/Base/square"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"x\":1}]"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(submit.statusCode()).as("the runtime container has no Redis").isEqualTo(503);
    assertThat(submit.body()).contains("durable batches need GF_REDIS_URI");
    // Nor can user code reach batches through the agent beside it on the pod's loopback.
    RuntimeProcesses.Runtime agent = pods.get(1)[1];
    assertThat(get(agent, "/v1/batches/" + id).statusCode()).isEqualTo(404);
    assertThat(get(agent, "/v1/batches/" + id + "/results").statusCode()).isEqualTo(404);
    HttpResponse<String> viaAgent =
        HTTP.send(
            HttpRequest.newBuilder(agent.uri("/v1/batches/Base/square"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"x\":1}]"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(viaAgent.statusCode()).isEqualTo(404);
  }

  private static void waitForAnnounced(BatchStore store, String function) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!store.functions().contains(function)) {
      assertThat(System.nanoTime()).as("%s announced by an agent", function).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static HttpResponse<String> get(RuntimeProcesses.Runtime rt, String path)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(rt.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
