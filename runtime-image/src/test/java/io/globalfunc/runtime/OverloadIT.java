package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.testing.TestLibraries;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** With one worker and a queue of two, a burst of slow calls is refused with 429 + Retry-After. */
@QuarkusTest
@TestProfile(OverloadIT.TinyPool.class)
class OverloadIT {

  /** One worker, no pipelining, two queued calls at most. */
  public static class TinyPool implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Path root = Files.createTempDirectory("gf-overload-");
        return Map.of(
            "gf.functions-dir",
            TestLibraries.writeMisbehaving(root.resolve("lib")).toString(),
            "gf.work-dir",
            root.resolve("work").toString(),
            "gf.python-workers",
            "1",
            "gf.pipeline-depth",
            "1",
            "gf.queue-limit",
            "2",
            "gf.python",
            System.getProperty("gf.python", "python3"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @TestHTTPResource("/gfgo/")
  URI gfgo;

  @Test
  void burstBeyondTheQueueIsRefusedAndTheRestComplete() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    // Each call sleeps 2 s so the whole burst arrives while the first still runs, even on a busy
    // machine: then exactly 1 running + 2 queued calls can be accepted.
    for (int i = 0; i < 10; i++) {
      calls.add(
          client.sendAsync(
              HttpRequest.newBuilder(gfgo)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"pack_func\":\"Bad.sleepy\",\"kwargs\":{\"seconds\":2}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    int ok = 0;
    int refused = 0;
    for (CompletableFuture<HttpResponse<String>> c : calls) {
      HttpResponse<String> r = c.get();
      if (r.statusCode() == 200) {
        ok++;
      } else {
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        assertThat(r.body()).contains("https://globalfunc.io/problems/overloaded");
        refused++;
      }
    }
    assertThat(ok).isBetween(1, 3);
    assertThat(refused).isEqualTo(10 - ok);
  }
}
