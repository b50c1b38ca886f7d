package io.globalfunc.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real runtime processes ({@code java -jar quarkus-run.jar}) on loopback, for multi-process tests.
 */
public final class RuntimeProcesses implements AutoCloseable {

  /** One running runtime. */
  public record Runtime(Process process, int port, Path log) {
    public URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }
  }

  private final List<Runtime> started = new ArrayList<>();
  private final Path jar;

  /** Runtimes from the packaged jar (default: the system property {@code gf.runtime.jar}). */
  public RuntimeProcesses(Path jar) {
    this.jar = jar;
  }

  public RuntimeProcesses() {
    this(
        Path.of(
            System.getProperty(
                "gf.runtime.jar", "../runtime-image/target/quarkus-app/quarkus-run.jar")));
  }

  /**
   * Environment of a runtime that serves {@code library} and takes part in Redis batches, with
   * short timeouts so reclaiming and dead-lettering happen within a test.
   */
  public static Map<String, String> batchEnv(Path library, String redisUri, Path workDir) {
    return Map.of(
        "GF_FUNCTIONS_DIR", library.toString(),
        "GF_REDIS_URI", redisUri,
        "GF_TIMEOUT", "5s",
        "GF_BATCH_RECLAIM_IDLE", "2s",
        "GF_BATCH_SHARE", "1",
        "GF_PYTHON_WORKERS", "2",
        "GF_WORK_DIR", workDir.toString());
  }

  /** Starts {@code n} runtimes with the same environment, each ready when this returns. */
  public List<Runtime> start(int n, Path logDir, Map<String, String> env) {
    List<Runtime> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(start(logDir, env));
    }
    return out;
  }

  /** Starts a runtime with these environment variables and waits until it is ready. */
  public Runtime start(Path logDir, Map<String, String> env) {
    int port = RedisServer.freePort();
    Path log = logDir.resolve("runtime-" + port + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                "java", "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // No readiness-down delay on stop unless a test is about draining: nothing routes by it here.
    pb.environment().put("GF_DRAIN_DELAY", "0s");
    pb.environment().putAll(env);
    pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    pb.environment().put("GF_PYTHON", System.getProperty("gf.python", "python3"));
    pb.environment().put("TZ", "UTC");
    try {
      Runtime rt = new Runtime(pb.start(), port, log);
      started.add(rt);
      awaitReady(rt);
      return rt;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitReady(Runtime rt) {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (!rt.process().isAlive()) {
        throw new IllegalStateException("runtime exited; see " + rt.log());
      }
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(rt.uri("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new IllegalStateException("runtime not ready in 90 s; see " + rt.log());
  }

  @Override
  public void close() {
    for (Runtime rt : started) {
      rt.process().destroy();
    }
    for (Runtime rt : started) {
      try {
        rt.process().waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
