package io.globalfunc.operator.deploy;

import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.node.Images;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator ({@code gf.operator.jar}) run as a local process against a control plane as
 * its admin, on a free HTTP port, with its own temporary folders; its output goes to a file the
 * test reads. For tests about the process itself: its exit code, its log, its health endpoints.
 */
final class OperatorProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path home;
  private final int port;

  private OperatorProcess(Process process, Path home, int port) {
    this.process = process;
    this.home = home;
    this.port = port;
  }

  /**
   * Starts the operator watching {@code namespace} with {@code env} on top of the test settings.
   */
  static OperatorProcess start(
      KubeControlPlane kube, String redisUri, String namespace, Map<String, String> env) {
    try {
      Path home = Files.createTempDirectory("gf-operator-");
      Path log = home.resolve("operator.log");
      int port = RedisServer.freePort();
      Map<String, String> all = new LinkedHashMap<>();
      all.put("KUBECONFIG", kube.kubeconfig().toString());
      all.put("HOME", home.toString());
      all.put("TZ", "UTC");
      all.put("GF_REDIS_URI", redisUri);
      all.put("GF_WATCH_NAMESPACES", namespace);
      all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
      all.put("GF_CATALOG_HOME", home.resolve("catalog").toString());
      all.put("GF_GIT_CACHE_DIR", home.resolve("git").toString());
      all.put("GF_PYTHON", System.getProperty("gf.python", "python3"));
      all.putAll(env);
      ProcessBuilder pb =
          new ProcessBuilder(List.of(Images.java(), "-jar", System.getProperty("gf.operator.jar")))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().putAll(all);
      return new OperatorProcess(pb.start(), home, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The HTTP status of {@code /q/health/<which>} (0 when nothing answers) and its body. */
  Health health(String which) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/" + which))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Health(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Health(0, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An answer of a health endpoint. */
  record Health(int code, String body) {
    boolean up() {
      return code == 200;
    }
  }

  /** What the process printed so far. */
  String log() {
    try {
      return Files.readString(home.resolve("operator.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines printed after the first {@code from} characters. */
  List<String> linesAfter(int from) {
    String all = log();
    return all.length() <= from ? List.of() : all.substring(from).lines().toList();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The exit code once the process ended within {@code timeout}. */
  Optional<Integer> exitWithin(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
          ? Optional.of(process.exitValue())
          : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM, then SIGKILL after 10 s; deletes its folders. */
  @Override
  public void close() {
    process.destroy();
    if (exitWithin(Duration.ofSeconds(10)).isEmpty()) {
      process.destroyForcibly();
      exitWithin(Duration.ofSeconds(10));
    }
    KubeControlPlane.deleteTree(home);
  }
}
