package io.globalfunc.core.worker;

import static io.globalfunc.core.worker.HostilePool.call;
import static io.globalfunc.core.worker.HostilePool.config;
import static io.globalfunc.core.worker.HostilePool.ends;
import static io.globalfunc.core.worker.HostilePool.failed;
import static io.globalfunc.core.worker.HostilePool.ok;
import static io.globalfunc.core.worker.HostilePool.pidIn;
import static io.globalfunc.core.worker.HostilePool.submit;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool survives what functions do to their worker process: fork, spawn, time out holding the
 * pipes, leave threads, alarms and children behind, forge frames, answer too much.
 */
class WorkerPoolSurvivalIT {

  @TempDir Path tmp;

  @Test
  void aForkThatTimesOutIsKilledWithItsWorkerAndLaterCallsRun() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      CallOutcome.Failure f =
          failed(
              submit(pool, "Hostile.forks", "{\"seconds\":30}", Duration.ofMillis(800))
                  .get(60, TimeUnit.SECONDS),
              FailureKind.TIMEOUT);
      assertThat(f.message()).contains("800 ms");
      long forked = pidIn(tmp, "forked.pid");
      assertThat(ok(call(pool, "Base.add", "{\"a\":1}"))).isEqualTo("3");
      assertThat(ends(forked)).as("the forked copy outlived its worker").isTrue();
      assertThat(pool.isReady()).isTrue();
    }
  }

  @Test
  void aSpawnedProcessOfATimedOutCallDiesWithItsWorker() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      failed(
          submit(pool, "Hostile.spawns", "{\"seconds\":30}", Duration.ofMillis(800))
              .get(60, TimeUnit.SECONDS),
          FailureKind.TIMEOUT);
      long sleeper = pidIn(tmp, "spawned.pid");
      assertThat(ok(call(pool, "Base.add", "{\"a\":2}"))).isEqualTo("4");
      assertThat(ends(sleeper)).as("sleep 600 outlived its worker").isTrue();
    }
  }

  @Test
  void aChildLeftRunningRetiresTheWorkerAndDiesWithIt() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      long before = pool.pids().get(0);
      long child = Long.parseLong(ok(call(pool, "Hostile.spawns", "{\"seconds\":0}")));
      assertThat(ends(child)).isTrue();
      assertThat(ok(call(pool, "Base.add", "{\"a\":3}"))).isEqualTo("5");
      assertThat(pool.pids()).doesNotContain(before);
      assertThat(pool.stats().crashes()).isZero();
    }
  }

  @Test
  void stateThatCannotBeRestoredAfterTheAnswerRetiresTheWorkerButFailsNoCall() throws Exception {
    // The worker restores what a call changed after sending its answer; its own working folder
    // removed, it cannot, so it retires: the call keeps its answer and the call written ahead of
    // that (pipelining) runs on the fresh worker, nobody is blamed for a crash.
    try (WorkerPool pool = WorkerPool.start(config(tmp).withPipelineDepth(2))) {
      long before = pool.pids().get(0);
      call(pool, "Base.add", "{\"a\":0}"); // the worker is up
      CompletableFuture<CallOutcome> removes =
          submit(pool, "Hostile.removes_workdir", "{\"pause\":0.3}", null);
      CompletableFuture<CallOutcome> behind = submit(pool, "Base.add", "{\"a\":40}", null);
      assertThat(ok(removes.get(60, TimeUnit.SECONDS))).isEqualTo("\"removed\"");
      assertThat(ok(behind.get(60, TimeUnit.SECONDS))).isEqualTo("42");
      assertThat(pool.pids()).doesNotContain(before);
      assertThat(pool.stats().crashes()).isZero();
      assertThat(pool.stats().recycled()).isEqualTo(1);
    }
  }

  @Test
  void aCallWrittenAheadOfATimedOutCallRunsElsewhere() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp).withPipelineDepth(2))) {
      call(pool, "Base.add", "{\"a\":0}"); // the worker is up
      CompletableFuture<CallOutcome> slow =
          submit(pool, "Hostile.sleepy", "{\"seconds\":30}", Duration.ofMillis(800));
      CompletableFuture<CallOutcome> behind = submit(pool, "Base.add", "{\"a\":40}", null);
      failed(slow.get(60, TimeUnit.SECONDS), FailureKind.TIMEOUT);
      assertThat(ok(behind.get(60, TimeUnit.SECONDS))).isEqualTo("42");
    }
  }

  @Test
  void aThreadLeftBehindIsNeverBlamedOnTheNextCaller() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      assertThat(ok(call(pool, "Hostile.leaves_thread", "{\"delay\":1.0}")))
          .isEqualTo("\"left a thread\"");
      assertThat(ok(call(pool, "Hostile.sleepy", "{\"seconds\":2}"))).isEqualTo("2");
      assertThat(pool.stats().crashes()).isZero();
    }
  }

  @Test
  void anAlarmLeftArmedIsDisarmed() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      long pid = pool.pids().get(0);
      assertThat(ok(call(pool, "Hostile.arms_alarm", null))).isEqualTo("\"armed\"");
      assertThat(ok(call(pool, "Hostile.sleepy", "{\"seconds\":2}"))).isEqualTo("2");
      assertThat(pool.pids()).containsExactly(pid);
    }
  }

  @Test
  void aResultOverTheLimitFailsAloneAndTheWorkerLives() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp).withMaxResultBytes(1 << 20))) {
      long pid = pool.pids().get(0);
      CallOutcome.Failure f =
          failed(call(pool, "Hostile.big_result", "{\"mib\":2}"), FailureKind.RESULT_TOO_LARGE);
      assertThat(f.message()).contains("1048576");
      assertThat(ok(call(pool, "Base.add", "{\"a\":1}"))).isEqualTo("3");
      assertThat(pool.pids()).containsExactly(pid);
    }
  }

  @Test
  void aForgedOversizedAnswerIsSkippedUnreadAndItsWorkerReplaced() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp).withMaxResultBytes(1 << 20))) {
      failed(
          call(pool, "Hostile.forge", "{\"kind\":\"oversized\",\"mib\":4}"),
          FailureKind.RESULT_TOO_LARGE);
      assertThat(ok(call(pool, "Base.add", "{\"a\":1}"))).isEqualTo("3");
    }
  }

  @Test
  void aCorruptFrameKillsOnlyItsOwnCall() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      failed(call(pool, "Hostile.forge", "{\"kind\":\"corrupt\"}"), FailureKind.WORKER_CRASHED);
      assertThat(ok(call(pool, "Base.add", "{\"a\":1}"))).isEqualTo("3");
      assertThat(pool.isReady()).isTrue();
    }
  }

  @Test
  void aCancelledCallThatHasNotStartedNeverRuns() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(tmp))) {
      CompletableFuture<CallOutcome> busy = submit(pool, "Hostile.sleepy", "{\"seconds\":1}", null);
      CompletableFuture<CallOutcome> dropped =
          submit(pool, "Hostile.touch", "{\"name\":\"dropped\"}", null);
      dropped.cancel(false);
      ok(busy.get(60, TimeUnit.SECONDS));
      assertThat(ok(call(pool, "Hostile.touch", "{\"name\":\"kept\"}"))).isEqualTo("\"kept\"");
      assertThat(tmp.resolve("work/kept")).exists();
      assertThat(tmp.resolve("work/dropped")).doesNotExist();
    }
  }
}
