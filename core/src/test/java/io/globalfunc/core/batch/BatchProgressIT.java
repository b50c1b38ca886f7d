package io.globalfunc.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.core.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The completion step on a real redis-server: a producer waiting for results is woken by the step
 * that stores them (one mark in the batch's progress list, which the wait takes), and a task's
 * outcomes are stored, counted, dead-lettered and re-queued once, by its first completion.
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

  @Test
  void aTaskIsFinishedOnceWithEveryKindOfOutcome() {
    String id = store.create("Base.f", 4);
    store.add(id, "Base.f", 0, List.of(b("{}"), b("{\"x\":1}"), b("{}"), b("{}")), 4);
    BatchTask t = store.read("c1", 10, Duration.ofSeconds(1)).get(0);
    List<ItemResult> results =
        List.of(
            ItemResult.of(0, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":\"é\"}")),
            ItemResult.retry(1, b("{\"x\":1}"), 1),
            ItemResult.of(2, ItemResult.Outcome.FAILED, b("{\"ok\":false}")),
            ItemResult.of(3, ItemResult.Outcome.DEAD, b("{\"ok\":false,\"dead\":1}")));
    assertThat(store.complete(t, results)).isEqualTo(3);
    assertThat(store.results(id, 0, 4))
        .containsExactly(
            "{\"ok\":true,\"result\":\"é\"}", null, "{\"ok\":false}", "{\"ok\":false,\"dead\":1}");
    assertThat(store.deadLetters(id)).containsExactly(3);
    BatchStatus status = store.status(id).orElseThrow();
    assertThat(List.of(status.done(), status.failed(), status.deadLettered()))
        .containsExactly(1L, 1L, 1L);
    // The retried item is a task of its own, with its deliveries so far; the finished one is gone.
    List<BatchTask> again = store.read("c1", 10, Duration.ofSeconds(1));
    assertThat(again).hasSize(1);
    assertThat(again.get(0).from()).isEqualTo(1);
    assertThat(again.get(0).retries()).isEqualTo(1);
    assertThat(new String(again.get(0).items().get(0), StandardCharsets.UTF_8))
        .isEqualTo("{\"x\":1}");

    // A second completion of the same task (a reclaimed copy) changes nothing.
    List<ItemResult> other =
        List.of(
            ItemResult.of(0, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":2}")),
            ItemResult.retry(1, b("{\"x\":1}"), 1),
            ItemResult.of(2, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":2}")),
            ItemResult.of(3, ItemResult.Outcome.DEAD, b("{\"ok\":false,\"dead\":2}")));
    assertThat(store.complete(t, other)).isZero();
    assertThat(store.results(id, 0, 4).get(0)).isEqualTo("{\"ok\":true,\"result\":\"é\"}");
    assertThat(store.deadLetters(id)).containsExactly(3);
    assertThat(store.status(id).orElseThrow().done()).isEqualTo(1);
    assertThat(store.queued()).isEqualTo(1); // only the retried item's task
  }

  @Test
  void resultsAcrossResultsHashesComeBackInOrder() {
    int n = 2 * BatchKeys.RESULTS_PER_KEY + 10;
    String id = store.create("Base.f", n);
    List<byte[]> items = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(b("{\"x\":" + i + "}"));
    }
    store.add(id, "Base.f", 0, items, 300); // tasks straddle the hashes' edges
    int finished = 0;
    while (finished < n) {
      for (BatchTask t : store.read("c2", 100, Duration.ofSeconds(1))) {
        List<ItemResult> results = new java.util.ArrayList<>();
        for (int k = 0; k < t.items().size(); k++) {
          boolean retry = t.item(k) == 1025 && t.retries() == 0;
          results.add(
              retry
                  ? ItemResult.retry(t.item(k), t.items().get(k), 1)
                  : ItemResult.of(t.item(k), ItemResult.Outcome.DONE, b("" + t.item(k))));
          finished += retry || !t.batchId().equals(id) ? 0 : 1; // others: a leftover retry
        }
        store.complete(t, results);
      }
    }
    List<String> all = store.results(id, 0, n);
    for (int i = 0; i < n; i++) {
      assertThat(all.get(i)).isEqualTo("" + i);
    }
    assertThat(store.results(id, 1020, 10))
        .containsExactly(
            "1020", "1021", "1022", "1023", "1024", "1025", "1026", "1027", "1028", "1029");
    assertThat(store.status(id).orElseThrow().done()).isEqualTo(n);
    assertThat(store.queued()).isZero();
  }

  @Test
  void aTasksItemsAreStoredAsRunsWithTheirProvenanceOnce() throws Exception {
    String id = store.create("Base.f", 4);
    store.add(id, "Base.f", 0, List.of(b("{}"), b("{}"), b("{}"), b("{}")), 4);
    BatchTask t = store.read("c3", 10, Duration.ofSeconds(1)).get(0);
    byte[] provenance = ResultEnvelope.fields(Map.of("function", "sp.Base_main.f"));
    List<ItemResult> results =
        List.of(
            ItemResult.of(0, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":0}"))
                .sharing(provenance),
            ItemResult.of(1, ItemResult.Outcome.FAILED, b("{\"ok\":false,\"problem\":{}}")),
            ItemResult.of(2, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":2}"))
                .sharing(provenance),
            ItemResult.retry(3, b("{}"), 1));
    assertThat(store.complete(t, results)).isEqualTo(3);
    // One field for items 0-2 (the item without provenance joins the run), none for the retry.
    Map<String, String> hash = RedisServer.hash(redis.uri(), store.keys().results(id, 0));
    assertThat(hash.keySet()).containsExactly("0+3");
    assertThat(hash.get("0+3")).containsOnlyOnce("sp.Base_main.f");
    // The HTTP view: whole envelopes; gf map without --provenance: as stored, never parsed.
    assertThat(store.results(id, 0, 4))
        .containsExactly(
            "{\"ok\":true,\"result\":0,\"function\":\"sp.Base_main.f\"}",
            "{\"ok\":false,\"problem\":{}}",
            "{\"ok\":true,\"result\":2,\"function\":\"sp.Base_main.f\"}",
            null);
    assertThat(texts(store.resultBytes(id, 1, 2, false)))
        .containsExactly("{\"ok\":false,\"problem\":{}}", "{\"ok\":true,\"result\":2}");
    // The retry, finished alone, is a run of its own.
    BatchTask retry = store.read("c3", 10, Duration.ofSeconds(1)).get(0);
    assertThat(retry.from()).isEqualTo(3);
    store.complete(
        retry,
        List.of(
            ItemResult.of(3, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":3}"))
                .sharing(provenance)));
    assertThat(RedisServer.hash(redis.uri(), store.keys().results(id, 0)).keySet())
        .containsExactlyInAnyOrder("0+3", "3+1");
    assertThat(texts(store.resultBytes(id, 0, 4, false)))
        .containsExactly(
            "{\"ok\":true,\"result\":0}",
            "{\"ok\":false,\"problem\":{}}",
            "{\"ok\":true,\"result\":2}",
            "{\"ok\":true,\"result\":3}");
  }

  @Test
  void anItemHeldInAnotherTasksRunIsNotQueuedAgain() {
    String id = store.create("Base.f", 3);
    store.add(id, "Base.f", 0, List.of(b("{}"), b("{}"), b("{}")), 3);
    BatchTask first = store.read("c4", 10, Duration.ofSeconds(1)).get(0);
    store.complete(
        first,
        List.of(
            ItemResult.of(0, ItemResult.Outcome.DONE, b("0")),
            ItemResult.of(1, ItemResult.Outcome.DONE, b("1")),
            ItemResult.of(2, ItemResult.Outcome.DONE, b("2"))));
    // A second copy of item 1 (queued again after Redis seemed to lose it) crashes its worker.
    store.add(id, "Base.f", 1, List.of(b("{}")), 1);
    BatchTask copy = store.read("c4", 10, Duration.ofSeconds(1)).get(0);
    long queued = store.queued();
    store.complete(copy, List.of(ItemResult.retry(1, b("{}"), 1)));
    assertThat(store.queued()).as("item 1 has its result in run 0+3").isEqualTo(queued - 1);
    assertThat(store.results(id, 0, 3)).containsExactly("0", "1", "2");
  }

  @Test
  void resultsAnOlderVersionStoredPerItemAreReadAndAMapResumesAcrossBoth() throws Exception {
    String id = store.create("Base.f", 6);
    String hash = store.keys().results(id, 0);
    // Items 0-2 as the version before runs stored them: one whole envelope per numbered field.
    for (int i = 0; i < 3; i++) {
      RedisServer.cli(
          redis.uri(),
          "HSET",
          hash,
          Integer.toString(i),
          "{\"ok\":true,\"result\":" + i + ",\"function\":\"sp.Base_main.f\",\"worker\":\"w\"}");
    }
    List<byte[]> items = List.of(b("{}"), b("{}"), b("{}"), b("{}"), b("{}"), b("{}"));
    store.add(id, "Base.f", 3, items.subList(3, 6), 3);
    BatchTask t = store.read("c5", 10, Duration.ofSeconds(1)).get(0);
    byte[] provenance = ResultEnvelope.fields(Map.of("worker", "w2"));
    List<ItemResult> results = new ArrayList<>();
    for (int i = 3; i < 6; i++) {
      results.add(
          ItemResult.of(i, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":" + i + "}"))
              .sharing(provenance));
    }
    store.complete(t, results);
    BatchProducer producer = new BatchProducer(store, Duration.ofMillis(50), Duration.ofSeconds(5));
    List<String> bare = new ArrayList<>();
    producer.await(
        id, "Base.f", items, 1, false, (i, e) -> bare.add(i + " " + text(e)), (d, n) -> {});
    assertThat(bare)
        .containsExactly(
            "1 {\"ok\":true,\"result\":1}",
            "2 {\"ok\":true,\"result\":2}",
            "3 {\"ok\":true,\"result\":3}",
            "4 {\"ok\":true,\"result\":4}",
            "5 {\"ok\":true,\"result\":5}");
    List<String> whole = new ArrayList<>();
    producer.await(id, "Base.f", items, 2, true, (i, e) -> whole.add(text(e)), (d, n) -> {});
    assertThat(whole)
        .containsExactly(
            "{\"ok\":true,\"result\":2,\"function\":\"sp.Base_main.f\",\"worker\":\"w\"}",
            "{\"ok\":true,\"result\":3,\"worker\":\"w2\"}",
            "{\"ok\":true,\"result\":4,\"worker\":\"w2\"}",
            "{\"ok\":true,\"result\":5,\"worker\":\"w2\"}");
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void aBigBatchIsQueuedAsOneTaskPerResultsHash() {
    int per = BatchKeys.RESULTS_PER_KEY;
    int total = 64 * per + 100; // big enough for full entries, and a short last one
    List<byte[]> items = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      items.add(b("{}"));
    }
    BatchKeys keys = new BatchKeys("sp", "aligned");
    try (BatchStore own = BatchStore.connect(null, redis.uri(), keys)) {
      own.ensureGroup();
      new BatchProducer(own, Duration.ofSeconds(1), Duration.ofSeconds(30)).submit("Base.f", items);
      int seen = 0;
      for (List<BatchTask> read = own.read("c1", 100, Duration.ofSeconds(1));
          !read.isEmpty();
          read = own.read("c1", 100, Duration.ofMillis(100))) {
        for (BatchTask t : read) {
          int first = t.item(0);
          int last = t.item(t.items().size() - 1);
          // Each task's results fill one hash: stored in one step, read once by the producer.
          assertThat(first % per).as("task from item %d", first).isZero();
          assertThat(last / per).as("task from item %d", first).isEqualTo(first / per);
          assertThat(t.items()).hasSize(Math.min(per, total - first));
          seen += t.items().size();
        }
      }
      assertThat(seen).isEqualTo(total);
    }
  }

  private static List<String> texts(List<byte[]> bs) {
    return bs.stream().map(x -> x == null ? null : text(x)).toList();
  }
}
