package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.library.FunctionRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pool's scheduling setting reaches the Python workers: a function reads the policy it runs
 * under ({@code SCHED_OTHER} = 0, {@code SCHED_BATCH} = 3 on Linux).
 */
class WorkerSchedulingIT {

  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"NORMAL, 0", "BATCH, 3"})
  void workersRunUnderTheConfiguredPolicy(PoolConfig.Scheduling scheduling, String policy)
      throws Exception {
    Path lib = tmp.resolve("lib");
    Files.createDirectories(lib.resolve("P"));
    Files.writeString(
        lib.resolve("P").resolve("policy.py"),
        "import os\n\n\ndef policy():\n    return os.sched_getscheduler(0)\n",
        StandardCharsets.UTF_8);
    PoolConfig config =
        PoolConfig.defaults(lib)
            .withPython(System.getProperty("gf.python", "python3"))
            .withWorkDir(tmp)
            .withWorkers(1)
            .withDefaultTimeout(Duration.ofSeconds(30))
            .withScheduling(scheduling);
    try (WorkerPool pool = WorkerPool.start(config)) {
      CallOutcome outcome =
          pool.submit(new CallRequest(new FunctionRef("P", "policy"), null, null, null))
              .get(60, TimeUnit.SECONDS);
      assertThat(outcome).isInstanceOf(CallOutcome.Success.class);
      assertThat(new String(((CallOutcome.Success) outcome).json(), StandardCharsets.UTF_8))
          .isEqualTo(policy);
    }
  }
}
