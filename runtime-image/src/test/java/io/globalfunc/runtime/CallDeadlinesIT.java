package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.testing.RuntimeProcesses;
import io.globalfunc.core.testing.TestLibraries;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines of a real runtime with one Python worker (3 s timeout, 1 s queue timeout): a call that
 * waits too long for a worker is answered 429, and a request head left unfinished is closed.
 */
class CallDeadlinesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  private static RuntimeProcesses runtimes;
  private static RuntimeProcesses.Runtime rt;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    Path lib =
        TestLibraries.write(
            tmp.resolve("lib"),
            Map.of(
                "Util/nap.py",
                "import time\n\n\ndef nap(s=0.0):\n    time.sleep(s)\n    return s\n",
                "Util/one.py",
                "def one():\n    return 1\n",
                "Util/mark.py",
                "def mark(path=''):\n    open(path, 'w').close()\n    return path\n"));
    runtimes = new RuntimeProcesses();
    rt =
        runtimes.start(
            tmp,
            Map.of(
                "GF_FUNCTIONS_DIR", lib.toString(),
                "GF_WORK_DIR", tmp.resolve("work").toString(),
                "GF_PYTHON_WORKERS", "1",
                "GF_TIMEOUT", "3s",
                "GF_QUEUE_TIMEOUT", "2s"));
    // The worker's first call (spawn, imports) is not what these tests time: a loaded machine
    // once took over a second for it, and the first nap missed a 1 s queue deadline.
    assertThat(post("/v1/functions/Util/nap", "{\"s\":0}").join().statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    runtimes.close();
  }

  private static CompletableFuture<HttpResponse<String>> post(String path, String body) {
    return http.sendAsync(
        HttpRequest.newBuilder(rt.uri(path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aCallThatWaitsPastItsQueueDeadlineIsAnswered429() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> naps = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      naps.add(post("/v1/functions/Util/nap", "{\"s\":2.8}"));
      Thread.sleep(100);
    }
    long start = System.nanoTime();
    HttpResponse<String> late = post("/v1/functions/Util/one", "{}").get();
    double waited = (System.nanoTime() - start) / 1e9;
    assertThat(late.statusCode()).as(late.body()).isEqualTo(429);
    assertThat(late.headers().firstValue("retry-after")).isPresent();
    assertThat(JSON.readTree(late.body()).path("detail").asText()).contains("waited more than 2 s");
    assertThat(waited).isLessThan(5.5); // the deadline (2 s + 3 s), not the naps (8.4 s)
    assertThat(naps.get(0).get().statusCode()).isEqualTo(200);
    // The later naps would wait 2.8 s and 5.6 s for the worker: past their queue deadline too.
    assertThat(naps.get(2).get().statusCode()).isEqualTo(429);
  }

  @Test
  void aCallWhoseClientWentAwayNeverRuns() throws Exception {
    CompletableFuture<HttpResponse<String>> first = post("/v1/functions/Util/nap", "{\"s\":2.0}");
    Thread.sleep(100);
    CompletableFuture<HttpResponse<String>> second = post("/v1/functions/Util/nap", "{\"s\":0.5}");
    Thread.sleep(100);
    Path marker = tmp.resolve("marker-" + System.nanoTime());
    String body = "{\"path\":\"" + marker + "\"}";
    try (Socket s = new Socket("127.0.0.1", rt.port())) {
      s.getOutputStream()
          .write(
              ("POST /v1/functions/Util/mark HTTP/1.1\r\nHost: x\r\nContent-Type:"
                      + " application/json\r\nContent-Length: "
                      + body.length()
                      + "\r\n\r\n"
                      + body)
                  .getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      Thread.sleep(300); // queued behind the naps, then the client hangs up
    }
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(second.get().statusCode()).isEqualTo(200);
    assertThat(post("/v1/functions/Util/one", "{}").get().body()).isEqualTo("1");
    assertThat(java.nio.file.Files.exists(marker)).as("the abandoned call ran").isFalse();
  }

  @Test
  void aHalfSentRequestHeadIsClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", rt.port())) {
      s.getOutputStream()
          .write("POST /gfgo/ HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      s.setSoTimeout(30_000);
      long start = System.nanoTime();
      InputStream in = s.getInputStream();
      int read;
      try {
        read = in.read();
      } catch (SocketTimeoutException e) {
        read = -2;
      }
      assertThat(read).as("closed, not left open").isEqualTo(-1);
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(20);
    }
  }
}
