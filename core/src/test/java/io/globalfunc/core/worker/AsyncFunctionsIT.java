package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.testing.TestLibraries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code async def} functions are callable: the worker runs the coroutine to completion. */
class AsyncFunctionsIT {

  @TempDir Path tmp;

  @Test
  void anAsyncFunctionAnswersAndItsExceptionIsItsOwn() throws Exception {
    Path lib =
        TestLibraries.write(
            tmp.resolve("lib"),
            Map.of(
                "A/twice.py",
                "import asyncio\n\n\nasync def twice(x):\n"
                    + "    await asyncio.sleep(0.01)\n    return x * 2\n",
                "A/fails.py",
                "async def fails():\n    raise ValueError('async boom')\n"));
    try (WorkerPool pool =
        WorkerPool.start(
            PoolConfig.defaults(lib)
                .withPython(System.getProperty("gf.python", "python3"))
                .withWorkDir(tmp.resolve("work"))
                .withWorkers(1)
                .withDefaultTimeout(Duration.ofSeconds(30)))) {
      for (int i = 0; i < 3; i++) { // a fresh event loop per call
        CallOutcome ok =
            pool.submit(
                    new CallRequest(
                        new FunctionRef("A", "twice"),
                        null,
                        new ObjectMapper().readTree("{\"x\": 21}"),
                        null))
                .get(60, TimeUnit.SECONDS);
        assertThat(ok).isInstanceOf(CallOutcome.Success.class);
        assertThat(new String(((CallOutcome.Success) ok).json(), StandardCharsets.UTF_8))
            .isEqualTo("42");
      }
      CallOutcome failed =
          pool.submit(new CallRequest(new FunctionRef("A", "fails"), null, null, null))
              .get(60, TimeUnit.SECONDS);
      assertThat(failed).isInstanceOf(CallOutcome.Failure.class);
      CallOutcome.Failure f = (CallOutcome.Failure) failed;
      assertThat(f.kind()).isEqualTo(FailureKind.RAISED);
      assertThat(f.type()).isEqualTo("ValueError");
      assertThat(f.message()).contains("async boom");
    }
  }
}
