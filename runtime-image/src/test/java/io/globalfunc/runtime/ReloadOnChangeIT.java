package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.testing.RuntimeProcesses;
import io.globalfunc.core.testing.TestLibraries;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GF_RELOAD} (what {@code gf serve} sets): after a file of the folder is saved, every answer
 * comes from the saved code, whichever worker had imported the old module.
 */
class ReloadOnChangeIT {

  @TempDir Path tmp;

  @Test
  void everyAnswerAfterASaveComesFromTheSavedCode() throws Exception {
    Path lib =
        TestLibraries.write(
            tmp.resolve("lib"), Map.of("P/version.py", "def version():\n    return 1\n"));
    try (RuntimeProcesses runtimes = new RuntimeProcesses()) {
      RuntimeProcesses.Runtime rt =
          runtimes.start(
              tmp,
              Map.of(
                  "GF_FUNCTIONS_DIR", lib.toString(),
                  "GF_PYTHON_WORKERS", "2",
                  "GF_RELOAD", "true"));
      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < 16; i++) {
        assertThat(call(http, rt, "version")).isEqualTo("1"); // both workers import version 1
      }
      Files.writeString(lib.resolve("P/version.py"), "def version():\n    return 2\n");
      Files.writeString(lib.resolve("P/added.py"), "def added():\n    return 'new'\n");
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!call(http, rt, "version").equals("2") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      for (int i = 0; i < 16; i++) {
        assertThat(call(http, rt, "version")).as("call %d after the save", i).isEqualTo("2");
      }
      assertThat(call(http, rt, "added")).isEqualTo("\"new\"");
    }
  }

  private static String call(HttpClient http, RuntimeProcesses.Runtime rt, String fn)
      throws Exception {
    return http.send(
            HttpRequest.newBuilder(rt.uri("/v1/functions/P/" + fn))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
