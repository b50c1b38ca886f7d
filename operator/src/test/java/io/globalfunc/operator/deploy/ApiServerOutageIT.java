package io.globalfunc.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.naming.EndpointKeys;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.node.LocalProcessNode;
import io.globalfunc.operator.release.FunctionRelease;
import io.globalfunc.operator.support.ExampleManifests;
import io.globalfunc.operator.support.GitFixture;
import io.globalfunc.operator.support.RepoFiles;
import io.globalfunc.operator.worker.GlobalFuncWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Kubernetes API server unreachable, on a control plane of this class's own (its API server is
 * killed and restarted on the same port and certificates; etcd keeps every object), with the
 * packaged operator as a process and a worker pod run by the test node. While the server is away
 * the operator keeps running, says so once in its log and in its readiness, and keeps the worker's
 * endpoints in Redis past their TTL; when it is back, the informers resume without a restart, a Git
 * commit pushed meanwhile is resolved and switched to, and a scale made afterwards is reconciled.
 * An operator started while the server is away waits a bounded time: it exits 1 with one clear
 * line, or becomes ready once the server answers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiServerOutageIT {

  static final Duration LONG = Duration.ofMinutes(3);
  static final String SPACE = "sp_GlobalFunc";
  static final String WORKER = "m7";

  /** Longer than the endpoints' TTL below: an entry not refreshed meanwhile would be gone. */
  static final Duration OUTAGE = Duration.ofSeconds(20);

  static final Map<String, String> SETTINGS =
      Map.of(
          "GF_ENDPOINTS_TTL", "8s",
          "GF_ENDPOINTS_RESYNC", "2s",
          "GF_OPERATOR_API_SERVER_CHECK_INTERVAL", "2s");

  static KubeControlPlane kube;
  static KubernetesClient client;
  static RedisServer redis;
  static GitFixture git;
  static LocalProcessNode node;
  static OperatorProcess operator;
  static String ns;

  @BeforeAll
  static void aWorkerServingFromItsOwnControlPlane() throws IOException {
    kube = KubeControlPlane.startOwn("apidown");
    client = kube.adminClient();
    kube.kubectl("apply", "-f", RepoFiles.resolve("crds").toString()).ok();
    redis = RedisServer.start();
    git = GitFixture.create(OperatorFromChartIT.exampleLibrary());
    ns = kube.namespace("apidown");
    node = LocalProcessNode.start(kube, WORKER, OperatorFromChartIT.builtImages(), ns);
    operator = OperatorProcess.start(kube, redis.uri(), ns, SETTINGS);
    String release = ExampleManifests.release(git.url(), "2s");
    String worker = ExampleManifests.worker(1, 1);
    kube.kubectl("apply", "--namespace", ns, "-f", write("release.yaml", release)).ok();
    kube.kubectl("apply", "--namespace", ns, "-f", write("worker.yaml", worker)).ok();
    awaitWorker(w -> readyEndpoints(w) == 1);
  }

  @AfterAll
  static void tearDown() {
    for (AutoCloseable c : new AutoCloseable[] {operator, node, client, redis, git}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
    if (kube != null) {
      kube.stopOwn();
    }
  }

  @Test
  @Order(1)
  void theOperatorRidesOutAnApiServerOutageAndResumesWithoutARestart() throws Exception {
    assertThat(operator.health("ready").up()).isTrue();
    String first = release().getStatus().getCommit();
    String pod = registeredPods().get(0);
    int logBefore = operator.log().length();

    kube.killApiServer();
    long down = System.nanoTime();
    // The informers may notice first ("not watching"); the API server check says why within its
    // interval.
    OperatorProcess.Health unready =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> operator.health("ready"),
                h -> !h.up() && h.body().contains("api-server-problem"));
    assertThat(unready.body()).contains("Connection refused");
    assertThat(operator.health("live").up()).isTrue();

    // Git still answers: a commit pushed now is the change that must not be lost.
    String next = git.commit(Map.of("Base/twice.py", "def twice(x):\n    return 2 * x\n"), "2x");
    while (System.nanoTime() - down < OUTAGE.toNanos()) {
      assertThat(operator.alive()).isTrue();
      assertThat(registeredPods()).containsExactly(pod);
      assertThat(RedisServer.hash(redis.uri(), EndpointKeys.endpoint(SPACE, ns, pod)))
          .containsEntry("commit", first);
      Thread.sleep(1000);
    }
    List<String> outageLog = operator.linesAfter(logBefore);

    kube.startApiServer();
    long up = System.nanoTime();
    await().atMost(LONG).until(() -> operator.health("ready").up());
    report(
        "API server down %.0f s: operator Ready again %.1f s after the server was",
        (up - down) / 1e9, (System.nanoTime() - up) / 1e9);
    assertOneLineThenQuiet(outageLog);
    assertThat(operator.linesAfter(logBefore))
        .anyMatch(l -> l.contains("Kubernetes API server") && l.contains("answers again"));

    // The commit pushed during the outage is resolved and served in place.
    await().atMost(LONG).until(() -> next.equals(release().getStatus().getCommit()));
    await()
        .atMost(LONG)
        .until(
            () -> RedisServer.hash(redis.uri(), EndpointKeys.endpoint(SPACE, ns, pod)),
            e -> next.equals(e.get("commit")));

    // A change made after the return is reconciled: a second pod, registered. Scaled as a user
    // would (an edit of the object read a moment ago can meet the operator's own write: 409).
    kube.kubectl("scale", "gfw", WORKER, "--replicas=2", "--namespace", ns).ok();
    GlobalFuncWorker scaled =
        awaitWorker(
            w ->
                Objects.equals(w.getStatus().getObservedGeneration(), generation(w))
                    && readyEndpoints(w) == 2);
    assertThat(Conditions.isTrue(scaled.getStatus().getConditions(), Conditions.READY)).isTrue();
    await().atMost(LONG).until(() -> registeredPods().size() == 2);
    assertThat(operator.alive()).isTrue();
  }

  @Test
  @Order(2)
  void anOperatorStartedWhileTheServerIsAwayExitsClearlyOrWaitsForIt() {
    operator.close();
    kube.killApiServer();
    Map<String, String> shortWait = new java.util.HashMap<>(SETTINGS);
    shortWait.put("GF_OPERATOR_API_SERVER_STARTUP_WAIT", "3s");
    try (OperatorProcess quitting = OperatorProcess.start(kube, redis.uri(), ns, shortWait);
        OperatorProcess waiting = OperatorProcess.start(kube, redis.uri(), ns, SETTINGS)) {
      long started = System.nanoTime();
      assertThat(quitting.exitWithin(Duration.ofSeconds(60))).contains(1);
      report("operator with a 3 s wait exited 1 after %.1f s", (System.nanoTime() - started) / 1e9);
      assertThat(quitting.log().lines())
          .anyMatch(
              l ->
                  l.contains("ERROR")
                      && l.contains("Kubernetes API server " + kube.url())
                      && l.contains("unreachable for 3 s (Connection refused)")
                      && l.endsWith("exiting so Kubernetes restarts the operator"))
          .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by"));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> waiting.log().contains("waiting up to 60 s for the Kubernetes API server"));
      assertThat(waiting.alive()).isTrue();
      kube.startApiServer();
      long up = System.nanoTime();
      await().atMost(LONG).until(() -> waiting.health("ready").up());
      report("waiting operator Ready %.1f s after the server was", (System.nanoTime() - up) / 1e9);
      // It reconciles: the worker's two pods are registered again and kept.
      await().atMost(LONG).until(() -> registeredPods().size() == 2);
      assertThat(waiting.log().lines())
          .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by"));
    }
  }

  /**
   * With leader election (the chart's default) the outage outlasts the renew deadline: the leader
   * loses its Lease, keeps the endpoints registered (writing nothing to Kubernetes), exits 1 once
   * the server answers, and its restart (what Kubernetes would do) leads and reconciles again.
   */
  @Test
  @Order(3)
  void aLeaderThatLostItsLeaseToTheOutageKeepsTheRegistryAndRestartsWhenTheServerIsBack()
      throws Exception {
    Map<String, String> elected = new java.util.HashMap<>(SETTINGS);
    elected.putAll(
        Map.of(
            "GF_OPERATOR_LEADER_ELECTION_ENABLED", "true",
            "GF_OPERATOR_LEADER_ELECTION_NAMESPACE", ns,
            "GF_OPERATOR_LEADER_ELECTION_LEASE_NAME", "gf-apidown",
            "GF_OPERATOR_LEADER_ELECTION_LEASE_DURATION", "6s",
            "GF_OPERATOR_LEADER_ELECTION_RENEW_DEADLINE", "4s",
            "GF_OPERATOR_LEADER_ELECTION_RETRY_PERIOD", "1s"));
    List<String> pods = registeredPods();
    assertThat(pods).hasSize(2);
    try (OperatorProcess leader = OperatorProcess.start(kube, redis.uri(), ns, elected)) {
      await().atMost(LONG).until(() -> leader.log().contains("leading as"));
      await().atMost(LONG).until(() -> leader.health("ready").up());
      kube.killApiServer();
      long down = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> leader.log().contains("while the API server is unreachable"));
      while (System.nanoTime() - down < OUTAGE.toNanos()) {
        assertThat(leader.alive()).isTrue();
        assertThat(registeredPods()).isEqualTo(pods);
        Thread.sleep(1000);
      }
      kube.startApiServer();
      assertThat(leader.exitWithin(Duration.ofSeconds(60))).contains(1);
      assertThat(leader.log()).contains("exiting to restart as a standby");
    }
    try (OperatorProcess restarted = OperatorProcess.start(kube, redis.uri(), ns, elected)) {
      await().atMost(LONG).until(() -> restarted.log().contains("leading as"));
      await().atMost(LONG).until(() -> restarted.health("ready").up());
      // Between the old leader's exit and the new one's first resync the entries may outlive
      // their 8 s TTL (a JVM start on a loaded machine takes longer): the registry is rebuilt.
      await().atMost(LONG).until(() -> registeredPods().equals(pods));
      GlobalFuncWorker worker =
          awaitWorker(w -> Objects.equals(w.getStatus().getObservedGeneration(), generation(w)));
      assertThat(Conditions.isTrue(worker.getStatus().getConditions(), Conditions.READY)).isTrue();
    }
  }

  /**
   * The operator says once that the server is unreachable; a reconcile that was already past its
   * check may fail with a logged stack trace (the SDK's, once per reconcile in flight), but nothing
   * fails after that, and the outage's whole log stays short.
   */
  private static void assertOneLineThenQuiet(List<String> log) {
    List<String> said =
        log.stream()
            .filter(l -> l.contains("Kubernetes API server") && l.contains("unreachable"))
            .toList();
    assertThat(said).as("the outage said once, in: %s", log).hasSize(1);
    LocalTime saidAt = time(said.get(0));
    List<String> traced = new java.util.ArrayList<>();
    for (int i = 0; i + 1 < log.size(); i++) {
      // A trace's head line; its "Caused by:" lines are part of the same trace.
      if (log.get(i + 1).startsWith("\tat ")
          && !log.get(i).startsWith("\t")
          && !log.get(i).startsWith("Caused by")) {
        traced.add(log.get(i));
      }
    }
    assertThat(traced)
        .as("stack traces only from reconciles in flight when the server went away")
        .hasSizeLessThanOrEqualTo(2)
        .allMatch(l -> !time(l).isAfter(saidAt.plusSeconds(5)));
    assertThat(log).hasSizeLessThan(200);
  }

  /** The time of a log line ({@code 2026-11-27 21:49:31,895 WARN ...}). */
  private static LocalTime time(String line) {
    return LocalTime.parse(line.substring(11, 23).replace(',', '.'));
  }

  private static List<String> registeredPods() {
    return RedisServer.cli(redis.uri(), "SMEMBERS", EndpointKeys.workerIndex(SPACE, ns, WORKER))
        .stream()
        .filter(l -> !l.isBlank())
        .sorted()
        .toList();
  }

  private static FunctionRelease release() {
    return client.resources(FunctionRelease.class).inNamespace(ns).withName("globalfunc").get();
  }

  private static GlobalFuncWorker awaitWorker(Predicate<GlobalFuncWorker> done) {
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> client.resources(GlobalFuncWorker.class).inNamespace(ns).withName(WORKER).get(),
            w -> w != null && w.getStatus() != null && done.test(w));
  }

  private static int readyEndpoints(GlobalFuncWorker w) {
    return w.getStatus().getEndpoints() == null ? 0 : w.getStatus().getEndpoints().size();
  }

  private static Long generation(GlobalFuncWorker w) {
    return w.getMetadata().getGeneration();
  }

  private static String write(String name, String content) throws IOException {
    Path file = Files.createTempDirectory("gf-apidown-").resolve(name);
    Files.writeString(file, content);
    return file.toString();
  }

  private static void report(String format, Object... args) {
    System.out.printf("[ApiServerOutageIT] " + format + "%n", args);
  }
}
