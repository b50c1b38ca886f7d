package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.library.FunctionRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pool's scheduling setting reaches the Python workers: a function reads the policy it runs
 * under ({@code SCHED_OTHER} = 0, {@code SCHED_BATCH} = 3 on Linux).
 */
class WorkerSchedulingIT {

  private static final FunctionRef POLICY = new FunctionRef("P", "policy");

  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"NORMAL, 0", "BATCH, 3", "AUTO, 0"})
  void aLoneCallRunsUnderTheConfiguredPolicy(PoolConfig.Scheduling scheduling, String policy)
      throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(scheduling))) {
      assertThat(policy(pool, 0)).isEqualTo(policy);
    }
  }

  @Test
  void autoRunsCallsFedBackToBackUnderBatchAndALoneCallUnderNormalAgain() throws Exception {
    try (WorkerPool pool = WorkerPool.start(config(PoolConfig.Scheduling.AUTO))) {
      assertThat(policy(pool, 0)).isEqualTo("0");
      // The first call runs alone when written; the others are written while it runs.
      List<CompletableFuture<CallOutcome>> calls =
          List.of(submit(pool, 0.3), submit(pool, 0), submit(pool, 0));
      assertThat(calls.stream().map(WorkerSchedulingIT::json)).containsExactly("0", "3", "3");
      assertThat(policy(pool, 0)).isEqualTo("0");
    }
  }

  private PoolConfig config(PoolConfig.Scheduling scheduling) throws Exception {
    Path lib = tmp.resolve("lib");
    Files.createDirectories(lib.resolve("P"));
    Files.writeString(
        lib.resolve("P").resolve("policy.py"),
        "import os\nimport time\n\n\ndef policy(wait):\n    time.sleep(wait)\n"
            + "    return os.sched_getscheduler(0)\n",
        StandardCharsets.UTF_8);
    return PoolConfig.defaults(lib)
        .withPython(System.getProperty("gf.python", "python3"))
        .withWorkDir(tmp)
        .withWorkers(1)
        .withDefaultTimeout(Duration.ofSeconds(30))
        .withScheduling(scheduling);
  }

  private static CompletableFuture<CallOutcome> submit(WorkerPool pool, double wait) {
    var args = WorkerProtocol.JSON.createArrayNode().add(wait);
    return pool.submit(new CallRequest(POLICY, args, null, null));
  }

  private static String policy(WorkerPool pool, double wait) {
    return json(submit(pool, wait));
  }

  private static String json(CompletableFuture<CallOutcome> call) {
    CallOutcome outcome = call.orTimeout(60, TimeUnit.SECONDS).join();
    assertThat(outcome).isInstanceOf(CallOutcome.Success.class);
    return new String(((CallOutcome.Success) outcome).json(), StandardCharsets.UTF_8);
  }
}
