package io.globalfunc.operator.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.naming.EndpointKeys;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.KubeControlPlaneExtension;
import io.globalfunc.operator.kube.Tool;
import io.globalfunc.operator.kube.node.Images;
import io.globalfunc.operator.kube.node.LocalProcessNode;
import io.globalfunc.operator.support.ExampleManifests;
import io.globalfunc.operator.support.GitFixture;
import io.globalfunc.operator.support.RepoFiles;
import io.globalfunc.operator.worker.GlobalFuncWorker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator as users meet it: {@code helm install} of the chart against a real API server, its
 * Deployment's pod run by the test node (the operator image is the built operator jar, the
 * ServiceAccount token projected as a kubelet would), then {@code examples/} applied with {@code
 * kubectl} and the functions called through the endpoints the operator registered in Redis.
 */
@ExtendWith(KubeControlPlaneExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorFromChartIT {

  static final Duration LONG = Duration.ofMinutes(4);
  static final String OPERATOR_IMAGE = "ghcr.io/globalfunc/globalfunc-operator";
  static final String RUNTIME_IMAGE = "myregistry.domain.com:24052/worker.andy.globalfunc";
  static final String SPACE = "sp_GlobalFunc";

  static KubeControlPlane kube;
  static KubernetesClient client;
  static RedisServer redis;

  /** The Redis URI with its password: the secret no runtime container may hold. */
  static String redisUri;

  static final String REDIS_PASSWORD = "s3cret-" + Long.toHexString(System.nanoTime());
  static LocalProcessNode node;
  static GitFixture git;
  static String ns;

  @BeforeAll
  static void installTheChart(KubeControlPlane controlPlane) {
    for (String jar : List.of("gf.operator.jar", "gf.runtime.jar")) {
      assertThat(Path.of(System.getProperty(jar))).as("%s (built by the reactor)", jar).exists();
    }
    kube = controlPlane;
    client = kube.adminClient();
    redis = RedisServer.start();
    redisLines("CONFIG", "SET", "requirepass", REDIS_PASSWORD);
    redisUri = "redis://:" + REDIS_PASSWORD + "@127.0.0.1:" + redis.port();
    Map<String, String> library = exampleLibrary();
    library.putAll(BatchScenario.probeLibrary());
    git = GitFixture.create(library);
    ns = kube.namespace("chart");
    node = LocalProcessNode.start(kube, "m7", builtImages(), ns);
    helm(
            "install",
            "gf",
            RepoFiles.resolve("charts/globalfunc-operator").toString(),
            "--namespace",
            ns,
            "--set",
            "redis.uri=" + redisUri,
            "--set",
            "endpoints.resync=5s",
            "--wait",
            "--timeout",
            "5m")
        .ok();
  }

  @AfterAll
  static void uninstall() {
    if (node != null) {
      node.close();
    }
    if (client != null) {
      client.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (git != null) {
      git.close();
    }
  }

  @Test
  @Order(1)
  void theOperatorRunsAsAPodUnderTheChartsServiceAccountWithExactlyTheCommittedRights()
      throws IOException {
    Pod operator = operatorPod();
    assertThat(operator.getSpec().getNodeName()).isEqualTo("m7");
    assertThat(operator.getStatus().getPodIP()).startsWith("127.");
    String account =
        "system:serviceaccount:" + ns + ":" + operator.getSpec().getServiceAccountName();
    String rights =
        kube.kubectl("auth", "can-i", "--list", "--namespace", ns, "--as", account).ok();
    assertThat(normalize(rights))
        .as("kubectl auth can-i --list for the operator's ServiceAccount")
        .isEqualTo(
            normalize(
                Files.readString(
                    RepoFiles.resolve("operator/src/test/resources/kube/operator-rights.txt"))));
  }

  @Test
  @Order(2)
  void theExamplesServeACallThroughEachOfTheirThreeEndpoints() throws Exception {
    kube.kubectl("apply", "--namespace", ns, "-f", write("release.yaml", release())).ok();
    kube.kubectl("apply", "--namespace", ns, "-f", write("worker.yaml", worker())).ok();

    kube.kubectl(
            "wait",
            "--namespace",
            ns,
            "--for=condition=Ready",
            "--timeout=240s",
            "functionrelease/globalfunc")
        .ok();
    String commit =
        kube.kubectl(
                "get",
                "--namespace",
                ns,
                "functionrelease/globalfunc",
                "-o",
                "jsonpath={.status.commit}")
            .ok();
    assertThat(commit).hasSize(40);
    Tool.Result workerReady =
        kube.kubectl(
            "wait",
            "--namespace",
            ns,
            "--for=condition=Ready",
            "--timeout=240s",
            "globalfuncworker/m7");
    assertThat(workerReady.exitCode()).as(() -> diagnostics()).isZero();
    List<Pod> pods =
        client.pods().inNamespace(ns).withLabel("globalfunc.io/worker", "m7").list().getItems();
    assertThat(pods).hasSize(3).allMatch(OperatorFromChartIT::ready);

    List<String> members =
        await()
            .atMost(LONG)
            .until(
                () -> redisLines("SMEMBERS", EndpointKeys.workerIndex(SPACE, ns, "m7")),
                l -> l.size() == 3);
    HttpClient http = HttpClient.newHttpClient();
    for (String pod : members) {
      Map<String, String> endpoint = redisHash(EndpointKeys.endpoint(SPACE, ns, pod));
      assertThat(endpoint).containsEntry("commit", commit);
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://"
                              + endpoint.get("podIP")
                              + ":"
                              + endpoint.get("port")
                              + "/v1/functions/Util/mean"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"values\":[1,2,3,4]}"))
                  .header("Content-Type", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(answer.body()).contains("2.5");
    }
  }

  @Test
  @Order(5)
  void theServerRefusesBadSpecsWithTheirMessageAndKubectlShowsExplainsAndScales() throws Exception {
    String worker = worker();
    assertThat(refusal(worker.replace("from: 26000", "from: 27001")))
        .contains("ports.from must be <= ports.to");
    assertThat(refusal(worker.replace("replicas: 3", "replicas: -1")))
        .contains("spec.replicas", "greater than or equal to 0");
    assertThat(refusal(worker.replace("gpu: 0", "gpu: -1")))
        .contains("spec.resources.gpu", "greater than or equal to 0");
    assertThat(refusal(worker.replace("  release: globalfunc", "")))
        .contains("spec.release", "Required value");

    String table = kube.kubectl("get", "gfw", "--namespace", ns).ok();
    assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "AGE", "RELEASE", "REPLICAS", "VERSION", "COMMIT", "READY");
    assertThat(table).contains("m7", "globalfunc", "v101");

    assertThat(kube.kubectl("explain", "gfw.spec.ports").ok())
        .contains("The port range pods take their ports from", "First port of the range");

    kube.kubectl("scale", "gfw", "m7", "--replicas=4", "--namespace", ns).ok();
    await()
        .atMost(LONG)
        .until(
            () -> client.pods().inNamespace(ns).withLabel("globalfunc.io/worker", "m7").list(),
            l -> l.getItems().size() == 4);
    kube.kubectl("scale", "gfw", "m7", "--replicas=3", "--namespace", ns).ok();
    await()
        .atMost(LONG)
        .until(
            () -> client.pods().inNamespace(ns).withLabel("globalfunc.io/worker", "m7").list(),
            l -> l.getItems().size() == 3);
  }

  /**
   * Scenario 4: {@code gf map --redis} (the packaged CLI) of 20,000 items over the 3 pods' batch
   * agents, one pod deleted mid-batch: every item exactly once, in input order.
   */
  @Test
  @Order(3)
  void aBatchOfTwentyThousandItemsSurvivesAPodDeletedMidBatchEveryItemOnceInOrder()
      throws Exception {
    new BatchScenario(kube, client, ns, redisUri, SPACE).run(diagnostics());
  }

  /**
   * No secret near user code: a function reads its own environment and {@code /proc/1/environ} and
   * {@code /proc/<ppid>/environ} (its runtime) inside a worker pod and finds neither the Redis URI
   * nor its password, while the pod's batch agent does consume batches with them.
   */
  @Test
  @Order(4)
  void theRuntimeContainerAndItsPythonWorkersHoldNoSecret() throws Exception {
    BatchScenario.assertNoSecretIn(
        BatchScenario.environs(workerPods().get(0)), List.of(redisUri, REDIS_PASSWORD));
  }

  static List<Pod> workerPods() {
    return client.pods().inNamespace(ns).withLabel("globalfunc.io/worker", "m7").list().getItems();
  }

  /**
   * Scenario 3 (issue 12): a commit pushed to the release's branch is switched in place on every
   * pod (same pods, no restart) while a client calls in a loop, retrying only on connection refused
   * and 503 as documented, and sees no failed call; the status reports the new commit.
   */
  @Test
  @Order(6)
  void aPushedCommitIsSwitchedInPlaceWithoutAFailedCall() throws Exception {
    List<Pod> pods =
        await()
            .atMost(LONG)
            .until(
                () ->
                    client
                        .pods()
                        .inNamespace(ns)
                        .withLabel("globalfunc.io/worker", "m7")
                        .list()
                        .getItems(),
                l -> l.size() == 3 && l.stream().allMatch(OperatorFromChartIT::ready));
    List<String> uids = pods.stream().map(p -> p.getMetadata().getUid()).sorted().toList();
    List<URI> calls =
        pods.stream()
            .map(
                p ->
                    URI.create(
                        "http://"
                            + p.getStatus().getPodIP()
                            + ":"
                            + port(p)
                            + "/v1/functions/Util/mean"))
            .toList();
    String before =
        client
            .resources(GlobalFuncWorker.class)
            .inNamespace(ns)
            .withName("m7")
            .get()
            .getStatus()
            .getCommit();
    assertThat(before).hasSize(40);

    // The release switch needs the worker's token: a bare request is refused by every pod.
    HttpClient http = HttpClient.newHttpClient();
    URI release = calls.get(0).resolve("/v1/release");
    HttpResponse<String> bare =
        http.send(
            HttpRequest.newBuilder(release).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bare.statusCode()).as(bare.body()).isEqualTo(401);
    HttpResponse<String> wrong =
        http.send(
            HttpRequest.newBuilder(release)
                .header("Authorization", "Bearer nope")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(403);
    assertThat(wrong.headers().firstValue("content-type")).hasValue("application/problem+json");

    kube.kubectl(
            "patch",
            "functionrelease/globalfunc",
            "--namespace",
            ns,
            "--type",
            "merge",
            "-p",
            "{\"spec\":{\"pollInterval\":\"1s\"}}")
        .ok();
    try (CallLoop loop = CallLoop.start(calls, 2)) {
      loop.awaitAnswers(20);
      long pushed = System.nanoTime();
      String next =
          git.commit(
              Map.of("Util/stamp.py", "def stamp() -> str:\n    return \"v2\"\n"),
              "add Util.stamp");
      // Commit to served: from the push until every pod answers from the new commit.
      await()
          .atMost(LONG)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> calls.stream().allMatch(u -> next.equals(commitOf(http, u))));
      double servedSeconds = (System.nanoTime() - pushed) / 1e9;
      loop.awaitAnswers(20);
      CallLoop.Tally tally = loop.stop();
      System.out.printf(
          "commit to served in place (3 pods, via the operator): %.1f s; %s%n",
          servedSeconds, tally);
      assertThat(tally.failed()).as(tally.toString()).isEmpty();
      assertThat(tally.commits()).contains(before, next);

      GlobalFuncWorker worker =
          await()
              .atMost(LONG)
              .until(
                  () ->
                      client.resources(GlobalFuncWorker.class).inNamespace(ns).withName("m7").get(),
                  w -> next.equals(w.getStatus().getCommit()));
      assertThat(Conditions.reason(worker.getStatus().getConditions(), Conditions.PROGRESSING))
          .isEqualTo("RolledOut");
      assertThat(worker.getStatus().getEndpoints())
          .hasSize(3)
          .allSatisfy(e -> assertThat(e.getCommit()).isEqualTo(next));
      assertThat(
              client
                  .pods()
                  .inNamespace(ns)
                  .withLabel("globalfunc.io/worker", "m7")
                  .list()
                  .getItems())
          .as("the same pods, never restarted")
          .allSatisfy(
              p -> {
                assertThat(p.getMetadata().getAnnotations())
                    .containsEntry("globalfunc.io/commit", next);
                assertThat(p.getStatus().getContainerStatuses())
                    .allSatisfy(c -> assertThat(c.getRestartCount()).isZero());
              })
          .extracting(p -> p.getMetadata().getUid())
          .containsExactlyInAnyOrderElementsOf(uids);
      for (URI u : calls) {
        HttpResponse<String> stamp =
            http.send(
                HttpRequest.newBuilder(u.resolve("/v1/functions/Util/stamp"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stamp.body()).as(u.toString()).isEqualTo("\"v2\"");
      }
      assertThat(
              kube.kubectl(
                      "get",
                      "events",
                      "--namespace",
                      ns,
                      "--field-selector",
                      "reason=SwitchedInPlace")
                  .ok())
          .contains("switched in place");
      Map<String, String> endpoint =
          redisHash(EndpointKeys.endpoint(SPACE, ns, pods.get(0).getMetadata().getName()));
      assertThat(endpoint).containsEntry("commit", next);
    }
  }

  /** The commit a pod answers {@code Util/mean} from (its GF-Commit header), or null. */
  static String commitOf(HttpClient http, URI call) {
    try {
      return http.send(CallLoop.request(call), HttpResponse.BodyHandlers.discarding())
          .headers()
          .firstValue("GF-Commit")
          .orElse(null);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static int port(Pod pod) {
    return Integer.parseInt(pod.getMetadata().getLabels().get("globalfunc.io/port"));
  }

  /**
   * A release-token Secret deleted by hand comes back at the worker's next reconcile with a new
   * token, and every running pod accepts the new token (and refuses the old one) once its mounted
   * digest is synced, as a kubelet syncs Secret volumes (the test node every 2 s): no restart.
   */
  @Test
  @Order(7)
  void aDeletedReleaseTokenSecretComesBackWithANewTokenThePodsAccept() throws Exception {
    String secret = "m7-release-token";
    String old = releaseToken(secret);
    assertThat(old).isNotNull();
    List<Pod> pods =
        client.pods().inNamespace(ns).withLabel("globalfunc.io/worker", "m7").list().getItems();
    assertThat(pods).hasSize(3);
    long deleted = System.nanoTime();
    client.secrets().inNamespace(ns).withName(secret).delete();
    String fresh =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> releaseToken(secret), t -> t != null && !t.equals(old));
    double backSeconds = (System.nanoTime() - deleted) / 1e9;
    await()
        .atMost(LONG)
        .until(
            () ->
                client.v1().events().inNamespace(ns).list().getItems().stream()
                    .anyMatch(
                        e ->
                            "ReleaseTokenRecreated".equals(e.getReason())
                                && "m7".equals(e.getInvolvedObject().getName())));
    HttpClient http = HttpClient.newHttpClient();
    for (Pod p : pods) {
      URI release =
          URI.create("http://" + p.getStatus().getPodIP() + ":" + port(p) + "/v1/release");
      await()
          .atMost(LONG)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> releaseStatus(http, release, fresh) == 200);
      assertThat(releaseStatus(http, release, old)).as("the old token").isEqualTo(403);
    }
    System.out.printf(
        "release-token Secret back with a new token %.1f s after its deletion; accepted by"
            + " every pod %.1f s after it%n",
        backSeconds, (System.nanoTime() - deleted) / 1e9);
    assertThat(
            client.pods().inNamespace(ns).withLabel("globalfunc.io/worker", "m7").list().getItems())
        .as("the same pods, never restarted")
        .allSatisfy(
            p ->
                assertThat(p.getStatus().getContainerStatuses())
                    .allSatisfy(c -> assertThat(c.getRestartCount()).isZero()))
        .extracting(p -> p.getMetadata().getUid())
        .containsExactlyInAnyOrderElementsOf(
            pods.stream().map(p -> p.getMetadata().getUid()).toList());
  }

  /** The token in the worker's release-token Secret, or null while there is none. */
  static String releaseToken(String secret) {
    Secret s = client.secrets().inNamespace(ns).withName(secret).get();
    if (s == null || s.getData() == null || s.getData().get("token") == null) {
      return null;
    }
    return new String(Base64.getDecoder().decode(s.getData().get("token")), UTF_8).strip();
  }

  /** The status of {@code POST /v1/release} (the release's branch) with {@code token}. */
  static int releaseStatus(HttpClient http, URI release, String token) {
    try {
      return http.send(
              HttpRequest.newBuilder(release)
                  .header("Authorization", "Bearer " + token)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * Scenario 6: the release deleted under a running worker is a clear condition (nothing crashes);
   * the worker deleted leaves no pod (garbage collection) and no Redis entry (finalizer).
   */
  @Test
  @Order(8)
  void aDeletedReleaseIsAConditionAndADeletedWorkerLeavesNoPodOrEndpoint() {
    kube.kubectl("delete", "functionrelease/globalfunc", "--namespace", ns).ok();
    GlobalFuncWorker orphaned =
        await()
            .atMost(LONG)
            .until(
                () -> client.resources(GlobalFuncWorker.class).inNamespace(ns).withName("m7").get(),
                w ->
                    "ReleaseNotReady"
                        .equals(
                            Conditions.reason(w.getStatus().getConditions(), Conditions.READY)));
    assertThat(Conditions.get(orphaned.getStatus().getConditions(), Conditions.READY).orElseThrow())
        .satisfies(c -> assertThat(c.getMessage()).contains("globalfunc"));
    assertThat(ready(operatorPod())).isTrue();

    kube.kubectl("delete", "globalfuncworker/m7", "--namespace", ns, "--timeout=200s").ok();
    await()
        .atMost(LONG)
        .until(
            () -> client.pods().inNamespace(ns).withLabel("globalfunc.io/worker", "m7").list(),
            l -> l.getItems().isEmpty());
    assertThat(redisLines("EXISTS", EndpointKeys.workerIndex(SPACE, ns, "m7")))
        .containsExactly("0");
    assertThat(redisLines("SMEMBERS", EndpointKeys.spaceIndex(SPACE)))
        .noneMatch(m -> m.startsWith(ns + "/"));
    assertThat(ready(operatorPod())).isTrue();
  }

  /** What {@code kubectl apply} prints when the server refuses {@code yaml} (it must). */
  static String refusal(String yaml) throws IOException {
    Tool.Result result =
        kube.kubectl(
            "apply",
            "--namespace",
            ns,
            "-f",
            write("bad.yaml", yaml.replace("name: m7", "name: bad")));
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    return result.output();
  }

  /** What a failing end-to-end step needs to be understood: objects, then container logs. */
  static String diagnostics() {
    return kube.kubectl("get", "gfr,gfw,pods", "--namespace", ns, "-o", "wide").output()
        + kube.kubectl("get", "gfw", "--namespace", ns, "-o", "yaml").output()
        + kube.kubectl("get", "events", "--namespace", ns).output()
        + node.logs(ns, 40);
  }

  static Pod operatorPod() {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel("app.kubernetes.io/name", "globalfunc-operator")
        .list()
        .getItems()
        .stream()
        .filter(OperatorFromChartIT::ready)
        .findFirst()
        .orElseThrow();
  }

  /** examples/release.yaml pointed at the local Git repository holding examples/functions. */
  static String release() throws IOException {
    return ExampleManifests.release(git.url());
  }

  /** examples/worker.yaml with one Python worker per pod, to keep a 2-core CI machine lean. */
  static String worker() throws IOException {
    return ExampleManifests.worker(1);
  }

  /** The operator and runtime images mapped to the jars this build made (set by failsafe). */
  static Images builtImages() {
    return new Images()
        .jar(OPERATOR_IMAGE, Path.of(System.getProperty("gf.operator.jar")))
        .jar(RUNTIME_IMAGE, Path.of(System.getProperty("gf.runtime.jar")));
  }

  static Map<String, String> exampleLibrary() {
    Path root = RepoFiles.resolve("examples/functions");
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      // Bytecode a local Python run left behind is not part of the library (and not text).
      walk.filter(Files::isRegularFile)
          .filter(f -> !f.toString().contains("__pycache__"))
          .forEach(
              f -> {
                try {
                  files.put(root.relativize(f).toString(), Files.readString(f));
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return files;
  }

  static String write(String name, String content) throws IOException {
    Path file = Files.createTempFile("gf-e2e-", "-" + name);
    Files.writeString(file, content);
    return file.toString();
  }

  static Tool.Result helm(String... args) {
    return Tool.run(Path.of(ChartIT.helmBinary()), kube.kubeconfig(), Arrays.asList(args));
  }

  static List<String> redisLines(String... command) {
    return RedisServer.cli(redisUri != null ? redisUri : redis.uri(), command);
  }

  static Map<String, String> redisHash(String key) {
    return RedisServer.hash(redisUri != null ? redisUri : redis.uri(), key);
  }

  /** can-i output as sorted lines with single spaces, so column widths do not matter. */
  static List<String> normalize(String table) {
    return table
        .lines()
        .map(l -> l.trim().replaceAll("\\s+", " "))
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .sorted()
        .toList();
  }

  static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
