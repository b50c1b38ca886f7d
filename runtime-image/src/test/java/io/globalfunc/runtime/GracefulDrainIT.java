package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.testing.RuntimeProcesses;
import io.globalfunc.core.testing.TestLibraries;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM during a 4 s call: readiness goes down first, the call still answers, new requests are
 * refused, then the runtime exits. SIGKILL during a hung call: its worker and what the call started
 * do not outlive the runtime.
 */
class GracefulDrainIT {

  @TempDir Path tmp;

  @Test
  void sigtermFinishesTheCallInFlightAfterReportingNotReady() throws Exception {
    Path lib =
        TestLibraries.write(
            tmp.resolve("lib"),
            Map.of(
                "Slow/nap.py",
                "import time\n\n\ndef nap(seconds):\n    time.sleep(seconds)\n    return 'rested'\n"));
    try (RuntimeProcesses runtimes = new RuntimeProcesses()) {
      RuntimeProcesses.Runtime rt =
          runtimes.start(
              tmp,
              Map.of(
                  "GF_FUNCTIONS_DIR", lib.toString(),
                  "GF_PYTHON_WORKERS", "1",
                  "GF_DRAIN_DELAY", "1s",
                  "GF_DRAIN_TIMEOUT", "30s"));
      HttpClient http = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<String>> call =
          http.sendAsync(
              HttpRequest.newBuilder(rt.uri("/v1/functions/Slow/nap"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"seconds\": 4}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Thread.sleep(1000); // the call is running in the worker
      rt.process().destroy(); // SIGTERM

      // The signal reaches the JVM asynchronously (slowly on a loaded machine): readiness must go
      // down while the 4 s call is still running, not at the very instant destroy() returns.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2000);
      int ready = status(http, rt, "/q/health/ready");
      while (ready == 200 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        ready = status(http, rt, "/q/health/ready");
      }
      assertThat(ready).as("readiness soon after SIGTERM").isEqualTo(503);
      assertThat(call).as("the call in flight is still running").isNotDone();

      HttpResponse<String> answered = call.get(60, TimeUnit.SECONDS);
      assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
      assertThat(answered.body()).isEqualTo("\"rested\"");

      assertThat(rt.process().waitFor(60, TimeUnit.SECONDS)).as("exited after draining").isTrue();
      assertThat(Files.readString(rt.log())).doesNotContain("the worker pool is shut down");
    }
  }

  @Test
  void aRuntimeKilledOutrightLeavesNoWorkerStuckInACallBehind() throws Exception {
    Path pids = tmp.resolve("pids.txt");
    Path lib =
        TestLibraries.write(
            tmp.resolve("lib"),
            Map.of(
                "Slow/hang.py",
                """
                import os
                import subprocess
                import time


                def hang(path):
                    child = subprocess.Popen(["sleep", "600"])
                    with open(path, "w") as f:
                        f.write("%d %d" % (os.getpid(), child.pid))
                    time.sleep(600)
                """));
    try (RuntimeProcesses runtimes = new RuntimeProcesses()) {
      RuntimeProcesses.Runtime rt =
          runtimes.start(tmp, Map.of("GF_FUNCTIONS_DIR", lib.toString(), "GF_PYTHON_WORKERS", "1"));
      HttpClient.newHttpClient()
          .sendAsync(
              HttpRequest.newBuilder(rt.uri("/v1/functions/Slow/hang"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"" + pids + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(pids) || Files.readString(pids).isBlank()) {
        assertThat(System.nanoTime()).as("the call started").isLessThan(deadline);
        Thread.sleep(50);
      }
      long[] started =
          java.util.Arrays.stream(Files.readString(pids).trim().split(" "))
              .mapToLong(Long::parseLong)
              .toArray();
      rt.process().destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no EOF read

      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      for (long pid : started) {
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          assertThat(System.nanoTime())
              .as("process %d ended with its runtime", pid)
              .isLessThan(deadline);
          Thread.sleep(50);
        }
      }
    }
  }

  private static int status(HttpClient http, RuntimeProcesses.Runtime rt, String path)
      throws InterruptedException {
    try {
      return http.send(
              HttpRequest.newBuilder(rt.uri(path)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException refused) {
      return -1;
    }
  }
}
