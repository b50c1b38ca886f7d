package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.testing.TestLibraries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recycling after N calls, the per-worker memory cap, and a pool whose Python cannot start. */
class WorkerPoolLimitsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private PoolConfig config() {
    return PoolConfig.defaults(TestLibraries.writeMisbehaving(tmp.resolve("lib")))
        .withPython(System.getProperty("gf.python", "python3"))
        .withWorkDir(tmp.resolve("work"))
        .withWorkers(1);
  }

  private static CallOutcome call(WorkerPool pool, String pkg, String fn, String kwargs)
      throws Exception {
    return pool.submit(
            new CallRequest(
                new FunctionRef(pkg, fn),
                null,
                kwargs == null ? null : JSON.readTree(kwargs),
                null))
        .get(60, TimeUnit.SECONDS);
  }

  @Test
  void workersAreRecycledAfterTheirShareOfCalls() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config().withMaxCallsPerWorker(3))) {
      Set<String> pids = new HashSet<>();
      for (int i = 0; i < 9; i++) {
        CallOutcome out = call(pool, "Bad", "pid", null);
        assertThat(out).isInstanceOf(CallOutcome.Success.class);
        pids.add(new String(((CallOutcome.Success) out).json(), StandardCharsets.UTF_8));
      }
      assertThat(pids).hasSize(3);
      assertThat(pool.stats().recycled()).isGreaterThanOrEqualTo(2);
      assertThat(pool.stats().crashes()).isZero();
    }
  }

  @Test
  void batchItemsHoldOnlyTheirShareOfWorkersAndYieldToInteractiveCalls() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config().withWorkers(2).withMaxBackground(1))) {
      java.util.List<java.util.concurrent.CompletableFuture<CallOutcome>> batch =
          new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        batch.add(
            pool.submit(
                new CallRequest(
                    new FunctionRef("Bad", "sleepy"),
                    null,
                    JSON.readTree("{\"seconds\":2}"),
                    null,
                    true)));
      }
      // The second worker stays free for interactive calls while three batch items wait.
      for (int i = 0; i < 3; i++) {
        assertThat(call(pool, "Base", "add", "{\"a\":" + i + "}"))
            .isInstanceOf(CallOutcome.Success.class);
      }
      assertThat(batch.stream().filter(f -> f.isDone()).count())
          .as("interactive calls did not wait for a batch item")
          .isZero();
      for (var f : batch) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isInstanceOf(CallOutcome.Success.class);
      }
    }
  }

  @Test
  void memoryCapTurnsAHogIntoAnErrorAndTheWorkerLives() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config().withMemoryCapBytes(512L * 1024 * 1024))) {
      CallOutcome out = call(pool, "Bad", "hog", "{\"mib\":2048}");
      assertThat(out)
          .isInstanceOfSatisfying(
              CallOutcome.Failure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.RAISED);
                assertThat(f.type()).isEqualTo("MemoryError");
              });
      assertThat(call(pool, "Base", "add", "{\"a\":1}")).isInstanceOf(CallOutcome.Success.class);
      assertThat(pool.stats().crashes()).isZero();
    }
  }

  @Test
  void aPythonThatCannotStartFailsCallsClearly() throws Exception {
    try (WorkerPool pool =
        WorkerPool.start(config().withPython(tmp.resolve("no-such-python").toString()))) {
      CallOutcome out = call(pool, "Base", "add", "{\"a\":1}");
      assertThat(out)
          .isInstanceOfSatisfying(
              CallOutcome.Failure.class,
              f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.UNAVAILABLE);
                assertThat(f.message()).contains("no-such-python");
              });
      assertThat(pool.isReady()).isFalse();
    }
  }
}
