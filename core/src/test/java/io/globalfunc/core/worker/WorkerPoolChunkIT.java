package io.globalfunc.core.worker;

import static io.globalfunc.core.worker.HostilePool.config;
import static io.globalfunc.core.worker.HostilePool.failed;
import static io.globalfunc.core.worker.HostilePool.json;
import static io.globalfunc.core.worker.HostilePool.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.library.FunctionRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunks: many items of one function from one frame, with per-item outcomes and timeouts. */
class WorkerPoolChunkIT {

  private static final FunctionRef ADD = new FunctionRef("Base", "add");
  private static final FunctionRef STEP = new FunctionRef("Hostile", "step");

  @TempDir Path tmp;

  private static List<CallOutcome> run(
      WorkerPool pool, FunctionRef ref, List<JsonItem> items, Duration timeout) throws Exception {
    return pool.submitChunk(new ChunkRequest(ref, items, timeout, true)).get(60, TimeUnit.SECONDS);
  }

  private static List<JsonItem> items(String... json) {
    List<JsonItem> items = new ArrayList<>();
    for (String j : json) {
      items.add(JsonItem.of(json(j)));
    }
    return items;
  }

  @Test
  void everyItemHasItsOwnOutcomeInOrder() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      List<CallOutcome> out =
          run(pool, ADD, items("{\"a\":1}", "[2,3]", "{\"a\":\"x\"}", "{\"nope\":1}"), null);
      assertThat(out).hasSize(4);
      assertThat(ok(out.get(0))).isEqualTo("3");
      assertThat(ok(out.get(1))).isEqualTo("5");
      failed(out.get(2), FailureKind.RAISED);
      failed(out.get(3), FailureKind.BAD_ARGUMENTS);
    }
  }

  @Test
  void aLargeChunkOfTinyItemsRunsInOneGo() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      List<JsonItem> many = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        many.add(JsonItem.of(json("{\"a\":" + i + ",\"b\":1}")));
      }
      List<CallOutcome> out = run(pool, ADD, many, null);
      for (int i = 0; i < many.size(); i++) {
        assertThat(ok(out.get(i))).isEqualTo(Integer.toString(i + 1));
      }
    }
  }

  @Test
  void aCrashKeepsWhatReportedAndMarksTheRestNotRun() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      List<CallOutcome> out =
          run(
              pool,
              STEP,
              items(
                  "{\"x\":1,\"sleep\":0.1}",
                  "{\"x\":2,\"sleep\":0.1}",
                  "{\"x\":3,\"crash\":true}",
                  "{\"x\":4}"),
              null);
      assertThat(ok(out.get(0))).isEqualTo("1");
      assertThat(ok(out.get(1))).isEqualTo("2");
      failed(out.get(2), FailureKind.NOT_RUN);
      failed(out.get(3), FailureKind.NOT_RUN);
      // Split and retry: alone, the crashing item fails itself and its mate succeeds.
      failed(
          run(pool, STEP, items("{\"x\":3,\"crash\":true}"), null).get(0),
          FailureKind.WORKER_CRASHED);
      assertThat(ok(run(pool, STEP, items("{\"x\":4}"), null).get(0))).isEqualTo("4");
    }
  }

  @Test
  void aHangingItemIsTimedOutOnItsOwnClock() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      long start = System.nanoTime();
      List<CallOutcome> out =
          run(
              pool,
              STEP,
              items("{\"x\":1,\"sleep\":0.6}", "{\"x\":2,\"sleep\":30}", "{\"x\":3}"),
              Duration.ofMillis(1000));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      assertThat(ok(out.get(0))).as("0.6 s is within a 1 s item timeout").isEqualTo("1");
      failed(out.get(1), FailureKind.NOT_RUN);
      failed(out.get(2), FailureKind.NOT_RUN);
      CallOutcome alone =
          run(pool, STEP, items("{\"x\":2,\"sleep\":30}"), Duration.ofMillis(800)).get(0);
      assertThat(failed(alone, FailureKind.TIMEOUT).message()).contains("800 ms");
      assertThat(ok(run(pool, STEP, items("{\"x\":3}"), null).get(0))).isEqualTo("3");
    }
  }

  @Test
  void interactiveChunksAreRefusedWhenTheQueueIsFull() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp).withQueueLimit(0))) {
      while (!pool.isReady()) {
        Thread.sleep(20);
      }
      pool.submit(new CallRequest(STEP, null, json("{\"sleep\":2}"), null));
      List<CallOutcome> out =
          pool.submitChunk(new ChunkRequest(ADD, items("{\"a\":1}", "{\"a\":2}"), null, false))
              .get(60, TimeUnit.SECONDS);
      failed(out.get(0), FailureKind.OVERLOADED);
      failed(out.get(1), FailureKind.OVERLOADED);
    }
  }

  @Test
  void aChunkTheWorkerCannotReadFailsEveryItemAsUnreadableWithoutKillingIt() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      String deep = "{\"a\":" + "[".repeat(995) + "]".repeat(995) + "}";
      List<CallOutcome> out = run(pool, ADD, items("{\"a\":1}", deep), null);
      assertThat(failed(out.get(0), FailureKind.UNREADABLE_REQUEST).message()).contains("nested");
      failed(out.get(1), FailureKind.UNREADABLE_REQUEST);
      assertThat(ok(run(pool, ADD, items("{\"a\":1}"), null).get(0))).isEqualTo("3");
      assertThat(pool.stats().crashes()).as("the worker answered, nobody died").isZero();
    }
  }
}
