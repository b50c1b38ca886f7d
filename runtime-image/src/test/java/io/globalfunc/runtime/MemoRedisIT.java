package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.core.testing.RuntimeProcesses;
import io.globalfunc.core.testing.TestLibraries;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memoisation in a real Redis: a pure function's result stored by one runtime is a hit in another
 * runtime of the same space; a function that counts its calls in a file shows the hit never ran.
 */
class MemoRedisIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void aResultMemoisedByOneRuntimeIsAHitInAnother() throws Exception {
    Path lib =
        TestLibraries.write(
            tmp.resolve("lib"),
            Map.of(
                "Base/slow_square.py",
                "import os\n\n__gf_pure__ = True\n\n\n"
                    + "def slow_square(x):\n"
                    + "    with open(os.path.join(os.getcwd(), 'calls.txt'), 'a') as f:\n"
                    + "        f.write('x')\n"
                    + "    return x * x\n"));
    try (RedisServer redis = RedisServer.start();
        RuntimeProcesses processes = new RuntimeProcesses()) {
      Map<String, String> env =
          Map.of(
              "GF_FUNCTIONS_DIR", lib.toString(),
              "GF_REDIS_URI", redis.uri(),
              "GF_PYTHON_WORKERS", "1",
              "GF_WORK_DIR", tmp.resolve("work").toString(),
              "GF_MEMO_TTL", "1h");
      List<RuntimeProcesses.Runtime> rts = processes.start(2, tmp, env);
      HttpResponse<String> first = call(rts.get(0), "{\"x\":12}");
      assertThat(first.body()).isEqualTo("144");
      assertThat(first.headers().firstValue("GF-Cache")).hasValue("miss");
      HttpResponse<String> other = call(rts.get(1), "{\"x\":12}");
      assertThat(other.body()).isEqualTo("144");
      assertThat(other.headers().firstValue("GF-Cache")).hasValue("hit");
      HttpResponse<String> differentArgs = call(rts.get(1), "{\"x\":13}");
      assertThat(differentArgs.headers().firstValue("GF-Cache")).hasValue("miss");
      // Two calls really ran (12 once, 13 once); the hit did not.
      assertThat(java.nio.file.Files.readString(tmp.resolve("work").resolve("calls.txt")))
          .isEqualTo("xx");
    }
  }

  private static HttpResponse<String> call(RuntimeProcesses.Runtime rt, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(rt.uri("/v1/functions/Base/slow_square"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
