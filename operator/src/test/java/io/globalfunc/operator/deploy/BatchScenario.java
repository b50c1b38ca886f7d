package io.globalfunc.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.batch.BatchStatus;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.worker.BatchAgentContainer;
import io.globalfunc.operator.worker.WorkerPodBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Scenario 4 on the real API server, with the worker pods of {@link OperatorFromChartIT}: the
 * packaged {@code gf map --redis} queues 20,000 items that the pods' batch agents run on their
 * runtime containers; one pod is deleted mid-batch. Also the probe that user code finds no secret.
 */
final class BatchScenario {

  private static final Logger LOG = Logger.getLogger(BatchScenario.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int ITEMS = 20_000;
  static final String FUNCTION = "Probe.slow_echo";

  private final KubeControlPlane kube;
  private final KubernetesClient client;
  private final String ns;
  private final String redisUri;
  private final String space;

  BatchScenario(
      KubeControlPlane kube, KubernetesClient client, String ns, String redisUri, String space) {
    this.kube = kube;
    this.client = client;
    this.ns = ns;
    this.redisUri = redisUri;
    this.space = space;
  }

  /** Functions the release serves besides examples/: a batch item with work in it, the probe. */
  static Map<String, String> probeLibrary() {
    return Map.of(
        "Probe/__init__.py",
        "",
        "Probe/slow_echo.py",
        """
        import time


        def slow_echo(x=0):
            \"\"\"Returns x after half a millisecond: a batch item with some work in it.\"\"\"
            time.sleep(0.0005)
            return x
        """,
        "Probe/environs.py",
        """
        import os


        def environs():
            \"\"\"The environments this worker can read: its own, PID 1's and its parent's.\"\"\"
            out = {"self": "\\n".join(k + "=" + v for k, v in os.environ.items())}
            for name, pid in (("pid1", 1), ("parent", os.getppid())):
                try:
                    with open("/proc/%d/environ" % pid, "rb") as f:
                        out[name] = f.read().decode("utf-8", "replace").replace("\\0", "\\n")
                    with open("/proc/%d/cmdline" % pid, "rb") as f:
                        out[name + "_cmdline"] = f.read().decode("utf-8", "replace")
                except OSError as e:
                    out[name] = "unreadable: " + type(e).__name__
            return out
        """);
  }

  void run(String diagnostics) throws Exception {
    List<Pod> pods = workerPods();
    assertThat(pods).as(diagnostics).hasSize(3);
    for (Pod p : pods) {
      assertThat(p.getSpec().getContainers())
          .extracting(Container::getName)
          .startsWith(WorkerPodBuilder.RUNTIME_CONTAINER)
          .endsWith(BatchAgentContainer.NAME);
    }
    BatchKeys keys = new BatchKeys(space, "master");
    try (BatchStore store = BatchStore.connect(null, redisUri, keys)) {
      await().atMost(Duration.ofMinutes(2)).until(() -> store.functions().contains(FUNCTION));

      Path dir = Files.createTempDirectory("gf-map-");
      Path input = dir.resolve("in.jsonl");
      Path output = dir.resolve("out.jsonl");
      List<String> lines = new ArrayList<>(ITEMS);
      for (int i = 0; i < ITEMS; i++) {
        lines.add("{\"x\":" + i + "}");
      }
      Files.write(input, lines);
      long start = System.nanoTime();
      Process gf = gfMap(dir, input, output);

      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> lineCount(output) >= 2_000 || !gf.isAlive());
      long doneAtDeletion = lineCount(output);
      Pod victim = pods.get(1);
      client.pods().inNamespace(ns).withName(victim.getMetadata().getName()).delete();
      assertThat(doneAtDeletion)
          .as("the pod was deleted mid-batch (results written when it was deleted)")
          .isLessThan(ITEMS / 2);

      assertThat(gf.waitFor(5, TimeUnit.MINUTES)).as("gf map finished").isTrue();
      String err = Files.readString(dir.resolve("err.txt"));
      assertThat(gf.exitValue()).as(err).isZero();
      LOG.infof(
          "scenario 4: %d items in %.1f s, a pod deleted after %d",
          ITEMS, (System.nanoTime() - start) / 1e9, doneAtDeletion);

      List<String> results = Files.readAllLines(output);
      assertThat(results).hasSize(ITEMS);
      for (int i = 0; i < ITEMS; i++) {
        JsonNode envelope = JSON.readTree(results.get(i));
        assertThat(envelope.path("ok").asBoolean()).as("line %d: %s", i + 1, envelope).isTrue();
        assertThat(envelope.path("result").asLong()).as("line %d", i + 1).isEqualTo(i);
      }
      BatchStatus status = store.status(batchId(err)).orElseThrow();
      assertThat(status.done()).as("each item counted once").isEqualTo(ITEMS);
      assertThat(status.failed() + status.deadLettered()).isZero();
      assertThat(store.queued()).isZero();
    }
    // The deleted pod drains and goes, the operator recreates it on its port; the next scenarios
    // start from 3 Ready pods again.
    await()
        .atMost(Duration.ofMinutes(4))
        .until(
            this::workerPods,
            l ->
                l.size() == 3
                    && l.stream()
                        .allMatch(
                            p ->
                                OperatorFromChartIT.ready(p)
                                    && p.getMetadata().getDeletionTimestamp() == null));
  }

  private Process gfMap(Path dir, Path input, Path output) throws IOException {
    Path jar = Path.of(System.getProperty("gf.cli.jar"));
    assertThat(jar).as("the gf CLI (built by the reactor)").exists();
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "map",
                FUNCTION,
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--redis",
                redisUri,
                "--branch",
                "master",
                "--space",
                space)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile());
    pb.environment().put("GF_HOME", dir.resolve("home").toString());
    pb.environment().put("TZ", "UTC");
    return pb.start();
  }

  private static long lineCount(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> s = Files.lines(file)) {
      return s.count();
    }
  }

  private static String batchId(String stderr) {
    Matcher m = Pattern.compile("gf: batch (\\S+) queued").matcher(stderr);
    assertThat(m.find()).as(stderr).isTrue();
    return m.group(1);
  }

  private List<Pod> workerPods() {
    return client.pods().inNamespace(ns).withLabel("globalfunc.io/worker", "m7").list().getItems();
  }

  /** What {@code Probe.environs} reads inside {@code pod}'s runtime container. */
  static JsonNode environs(Pod pod) throws Exception {
    String port =
        pod.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort().toString();
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://"
                                + pod.getStatus().getPodIP()
                                + ":"
                                + port
                                + "/v1/functions/Probe/environs"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Content-Type", "application/json")
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /**
   * None of the places holds a secret; the worker's own environment and its parent's (the runtime
   * JVM) were really read. PID 1 is the pod's first process in a cluster, the machine's init on the
   * test node: either way it must not hold the secret.
   */
  static void assertNoSecretIn(JsonNode environs, List<String> secrets) {
    assertThat(environs.path("self").asText()).contains("PATH=").doesNotContain("GF_REDIS");
    assertThat(environs.path("parent").asText())
        .as("the worker's parent (its runtime) environment was read")
        .contains("GF_FUNCTIONS_DIR=")
        .doesNotContain("GF_REDIS");
    assertThat(environs.path("parent_cmdline").asText()).contains("quarkus-run.jar");
    for (String place : List.of("self", "pid1", "parent")) {
      for (String secret : secrets) {
        assertThat(environs.path(place).asText())
            .as("%s environment holds no secret", place)
            .doesNotContain(secret);
      }
    }
  }
}
