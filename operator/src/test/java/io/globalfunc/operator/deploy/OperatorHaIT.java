package io.globalfunc.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.globalfunc.core.naming.EndpointKeys;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.KubeControlPlaneExtension;
import io.globalfunc.operator.kube.Tool;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two operator replicas from the chart on a real API server, with their worker pods run by the test
 * node: leader election through the chart's Lease, the leader killed mid-rollout (crash, then
 * graceful deletion) with the rollout converging without a duplicate pod or port (scenario 5), and
 * Redis down during steady state while the pods keep serving (scenario 7). The failover and
 * recovery times are printed, never asserted.
 */
@ExtendWith(KubeControlPlaneExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorHaIT {

  static final Duration LONG = Duration.ofMinutes(4);
  static final String LEASE = "gf-globalfunc-operator";
  static final String WORKER = "m7";
  static final String SPACE = "sp_GlobalFunc";

  /**
   * The Redis outage of scenario 7: 60 s as the issue says; {@code -Dgf.it.redis-outage=10s} to try
   * the test quickly by hand.
   */
  static final Duration OUTAGE =
      Duration.parse("PT" + System.getProperty("gf.it.redis-outage", "60s").toUpperCase());

  static KubeControlPlane kube;
  static KubernetesClient client;
  static RedisServer redis;
  static LocalProcessNode node;
  static GitFixture git;
  static String ns;
  static SharedIndexInformer<Pod> recorder;

  /** Every worker pod ever created (uid → name), to prove no pod was created twice. */
  static final Map<String, String> created = new ConcurrentHashMap<>();

  @BeforeAll
  static void installTwoReplicasAndARelease(KubeControlPlane controlPlane) throws IOException {
    kube = controlPlane;
    client = kube.adminClient();
    redis = RedisServer.start();
    git = GitFixture.create(OperatorFromChartIT.exampleLibrary());
    ns = kube.namespace("ha");
    node = LocalProcessNode.start(kube, WORKER, OperatorFromChartIT.builtImages(), ns);
    recorder =
        client
            .pods()
            .inNamespace(ns)
            .withLabel(Labels.WORKER, WORKER)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    created.put(pod.getMetadata().getUid(), pod.getMetadata().getName());
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {}

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {}
                });
    helm(
            "install",
            "gf",
            RepoFiles.resolve("charts/globalfunc-operator").toString(),
            "--namespace",
            ns,
            "--set",
            "replicaCount=2",
            "--set",
            "redis.uri=" + redis.uri(),
            "--set",
            "endpoints.resync=5s",
            "--wait",
            "--timeout",
            "5m")
        .ok();
    String release = ExampleManifests.release(git.url());
    kube.kubectl("apply", "--namespace", ns, "-f", write("release.yaml", release)).ok();
    kube.kubectl(
            "wait",
            "--namespace",
            ns,
            "--for=condition=Ready",
            "--timeout=240s",
            "functionrelease/globalfunc")
        .ok();
  }

  @AfterAll
  static void uninstall() {
    if (recorder != null) {
      recorder.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {node, client, redis, git}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
  }

  @Test
  @Order(1)
  void twoReadyReplicasAndOneLeaderInTheChartsLease() {
    List<Pod> operators = operatorPods();
    assertThat(operators).hasSize(2).allMatch(OperatorHaIT::ready);
    String leader = await().atMost(LONG).until(OperatorHaIT::holder, Objects::nonNull);
    assertThat(podOf(leader)).isIn(operators.stream().map(p -> p.getMetadata().getName()).toList());
    // The leader keeps renewing under the chart's RBAC (a forbidden renewal would end its term).
    var renewed = lease().getSpec().getRenewTime();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> lease().getSpec().getRenewTime().isAfter(renewed));
    assertThat(holder()).isEqualTo(leader);
  }

  /**
   * Scenario 5 and leader election: the leader is SIGKILLed while the worker's 3 pods are being
   * created; another process takes the Lease once it expires (the standby, or the killed container
   * restarted in place: whichever is first) and finishes the rollout. Then the leader's pod is
   * deleted right after a scale to 4: it hands the Lease back, the other running replica takes it
   * at once and finishes the scale.
   */
  @Test
  @Order(2)
  void theLeaderKilledMidRolloutIsReplacedAndTheWorkerConvergesWithoutDuplicates()
      throws IOException {
    String first = holder();
    Pod firstPod = client.pods().inNamespace(ns).withName(podOf(first)).get();
    kube.kubectl("apply", "--namespace", ns, "-f", write("worker.yaml", worker())).ok();
    await().atMost(LONG).until(() -> !workerPods().isEmpty());
    assertThat(workerPods()).noneMatch(OperatorHaIT::ready);

    long killed = System.nanoTime();
    long pid = node.pid(firstPod, "operator");
    assertThat(pid).isPositive();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    String second =
        await().atMost(LONG).until(OperatorHaIT::holder, h -> h != null && !h.equals(first));
    double crashFailover = seconds(killed);
    awaitConverged(3);
    report(
        "leader SIGKILLed mid-rollout: Lease taken by %s after %.1f s, 3 pods Ready after %.1f s",
        podOf(second).equals(podOf(first)) ? "the killed container, restarted" : "the standby",
        crashFailover,
        seconds(killed));
    await()
        .atMost(LONG)
        .until(
            () -> client.pods().inNamespace(ns).withName(podOf(first)).get(),
            p -> ready(p) && p.getStatus().getContainerStatuses().get(0).getRestartCount() > 0);
    List<String> running = operatorPods().stream().map(p -> p.getMetadata().getName()).toList();
    assertThat(running).hasSize(2).contains(podOf(second));

    kube.kubectl("scale", "gfw", WORKER, "--replicas=4", "--namespace", ns).ok();
    long deleted = System.nanoTime();
    kube.kubectl("delete", "pod", podOf(second), "--namespace", ns, "--wait=false").ok();
    String third =
        await()
            .atMost(LONG)
            .until(OperatorHaIT::holder, h -> h != null && !podOf(h).equals(podOf(second)));
    double gracefulFailover = seconds(deleted);
    assertThat(podOf(third)).as("the other running replica").isIn(running);
    await()
        .atMost(LONG)
        .until(() -> node.logs(ns, 400), l -> l.contains("released lease " + LEASE));
    awaitConverged(4);
    report(
        "leader deleted mid-scale: Lease handed to the other replica after %.1f s, 4 pods Ready"
            + " after %.1f s",
        gracefulFailover, seconds(deleted));
  }

  /**
   * Scenario 7: Redis down during steady state. Every pod keeps answering calls, the worker's
   * RedisUnavailable condition turns True and, once Redis is back (empty), False again, with every
   * endpoint registered anew.
   */
  @Test
  @Order(3)
  void redisDownDuringSteadyStateLeavesThePodsServingAndTheRegistryIsRebuilt() throws Exception {
    List<Pod> pods = awaitConverged(4);
    HttpClient http = HttpClient.newHttpClient();
    // Proves the restarted Redis is empty without racing the operator's re-registration.
    String marker = "test:outage-marker";
    assertThat(redisLines("SET", marker, "1")).containsExactly("OK");
    redis.stop();
    long down = System.nanoTime();
    double flipped = -1;
    int calls = 0;
    while (System.nanoTime() - down < OUTAGE.toNanos()) {
      for (Pod pod : pods) {
        HttpResponse<String> answer = call(http, pod);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("2.5");
        calls++;
      }
      if (flipped < 0 && "True".equals(conditionStatus(Conditions.REDIS_UNAVAILABLE))) {
        flipped = seconds(down);
        assertThat(reason(Conditions.REDIS_UNAVAILABLE)).isEqualTo("RedisUnavailable");
      }
      Thread.sleep(1000);
    }
    assertThat(flipped).as("RedisUnavailable turned True during the outage").isPositive();
    assertThat(operatorPods()).hasSize(2).allMatch(OperatorHaIT::ready);

    redis.restart();
    long up = System.nanoTime();
    assertThat(redisLines("EXISTS", marker)).as("Redis came back empty").containsExactly("0");
    await().atMost(LONG).until(() -> "False".equals(conditionStatus(Conditions.REDIS_UNAVAILABLE)));
    assertThat(reason(Conditions.REDIS_UNAVAILABLE)).isEqualTo("Connected");
    assertRegistered(pods);
    report(
        "Redis down %d s: %d calls answered, RedisUnavailable=True after %.1f s, registry"
            + " rebuilt %.1f s after Redis came back",
        OUTAGE.toSeconds(), calls, flipped, seconds(up));
  }

  /**
   * No split brain: a leader whose Lease is taken (here by a foreign holder written into it) cannot
   * renew, exits after the renew deadline and restarts as a standby; once the foreign Lease expires
   * a replica leads again and reconciles a scale down.
   */
  @Test
  @Order(4)
  void aLeaderThatLosesItsLeaseExitsAndAReplicaLeadsAgain() {
    String leader = await().atMost(LONG).until(OperatorHaIT::holder, Objects::nonNull);
    int restarts = restartCount(podOf(leader));
    client
        .leases()
        .inNamespace(ns)
        .withName(LEASE)
        .edit(
            l -> {
              l.getSpec().setHolderIdentity("intruder_0");
              l.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
              l.getSpec().setLeaseDurationSeconds(20);
              return l;
            });
    long taken = System.nanoTime();
    await().atMost(LONG).until(() -> restartCount(podOf(leader)) > restarts);
    double exited = seconds(taken);
    String next =
        await().atMost(LONG).until(OperatorHaIT::holder, h -> h != null && !h.equals("intruder_0"));
    assertThat(next).isNotEqualTo(leader);
    report(
        "Lease taken from the leader: it exited after %.1f s, %s leads after %.1f s",
        exited, podOf(next), seconds(taken));
    kube.kubectl("scale", "gfw", WORKER, "--replicas=3", "--namespace", ns).ok();
    awaitConverged(3, 4);
  }

  static int restartCount(String pod) {
    Pod p = client.pods().inNamespace(ns).withName(pod).get();
    return p == null || p.getStatus().getContainerStatuses() == null
        ? 0
        : p.getStatus().getContainerStatuses().get(0).getRestartCount();
  }

  /**
   * Waits until the worker is Ready with {@code replicas} Ready pods, then checks there is no
   * duplicate: one pod created per replica ever, distinct ports, status.ports and Redis agreeing.
   */
  static List<Pod> awaitConverged(int replicas) {
    return awaitConverged(replicas, replicas);
  }

  /** As {@link #awaitConverged(int)}, after a scale down: {@code everCreated} pods so far. */
  static List<Pod> awaitConverged(int replicas, int everCreated) {
    Tool.Result ready =
        kube.kubectl(
            "wait",
            "--namespace",
            ns,
            "--for=condition=Ready",
            "--timeout=240s",
            "globalfuncworker/" + WORKER);
    assertThat(ready.exitCode()).as(OperatorHaIT::diagnostics).isZero();
    List<Pod> pods =
        await()
            .atMost(LONG)
            .until(
                OperatorHaIT::workerPods,
                l -> l.size() == replicas && l.stream().allMatch(OperatorHaIT::ready));
    List<Integer> ports = pods.stream().map(OperatorHaIT::port).sorted().toList();
    assertThat(ports).doesNotHaveDuplicates();
    assertThat(created).as("every worker pod ever created").hasSize(everCreated);
    GlobalFuncWorker worker =
        client.resources(GlobalFuncWorker.class).inNamespace(ns).withName(WORKER).get();
    assertThat(worker.getStatus().getPorts()).containsExactlyInAnyOrderElementsOf(ports);
    assertRegistered(pods);
    return pods;
  }

  /** Redis holds exactly {@code pods}, each at its own port, in the worker and space indexes. */
  static void assertRegistered(List<Pod> pods) {
    List<String> names = pods.stream().map(p -> p.getMetadata().getName()).toList();
    await()
        .atMost(LONG)
        .until(
            () -> redisLines("SMEMBERS", EndpointKeys.workerIndex(SPACE, ns, WORKER)),
            l -> l.size() == names.size() && l.containsAll(names));
    for (Pod pod : pods) {
      Map<String, String> endpoint =
          redisHash(EndpointKeys.endpoint(SPACE, ns, pod.getMetadata().getName()));
      assertThat(endpoint)
          .containsEntry("port", String.valueOf(port(pod)))
          .containsEntry("podIP", pod.getStatus().getPodIP());
    }
    assertThat(redisLines("SMEMBERS", EndpointKeys.spaceIndex(SPACE)))
        .containsAll(names.stream().map(n -> EndpointKeys.member(ns, n)).toList());
  }

  static HttpResponse<String> call(HttpClient http, Pod pod) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://"
                        + pod.getStatus().getPodIP()
                        + ":"
                        + port(pod)
                        + "/v1/functions/Util/mean"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"values\":[1,2,3,4]}"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The pod of a Lease holder identity {@code <pod>_<process>}. */
  static String podOf(String identity) {
    return identity.substring(0, identity.lastIndexOf('_'));
  }

  /** Who holds the operator's Lease now ({@code <pod>_<process>}), or null when nobody does. */
  static String holder() {
    Lease lease = lease();
    String holder =
        lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    return holder == null || holder.isEmpty() ? null : holder;
  }

  static Lease lease() {
    return client.leases().inNamespace(ns).withName(LEASE).get();
  }

  static String conditionStatus(String type) {
    GlobalFuncWorker w =
        client.resources(GlobalFuncWorker.class).inNamespace(ns).withName(WORKER).get();
    return Conditions.get(w.getStatus().getConditions(), type).map(c -> c.getStatus()).orElse("");
  }

  static String reason(String type) {
    GlobalFuncWorker w =
        client.resources(GlobalFuncWorker.class).inNamespace(ns).withName(WORKER).get();
    return Conditions.reason(w.getStatus().getConditions(), type);
  }

  static List<Pod> operatorPods() {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel(Labels.NAME, "globalfunc-operator")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  static List<Pod> workerPods() {
    return client.pods().inNamespace(ns).withLabel(Labels.WORKER, WORKER).list().getItems();
  }

  static int port(Pod pod) {
    return Integer.parseInt(pod.getMetadata().getLabels().get(Labels.PORT));
  }

  static boolean ready(Pod p) {
    return OperatorFromChartIT.ready(p);
  }

  /** examples/worker.yaml with one Python worker per pod, to keep a 2-core CI machine lean. */
  static String worker() throws IOException {
    return OperatorFromChartIT.worker();
  }

  static String diagnostics() {
    return kube.kubectl("get", "gfr,gfw,pods,leases", "--namespace", ns, "-o", "wide").output()
        + kube.kubectl("get", "gfw", "--namespace", ns, "-o", "yaml").output()
        + kube.kubectl("get", "events", "--namespace", ns).output()
        + node.logs(ns, 40);
  }

  static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  static void report(String format, Object... args) {
    System.out.println("[OperatorHaIT] " + String.format(format, args));
  }

  static String write(String name, String content) throws IOException {
    Path file = Files.createTempFile("gf-ha-", "-" + name);
    Files.writeString(file, content);
    return file.toString();
  }

  static Tool.Result helm(String... args) {
    return Tool.run(Path.of(ChartIT.helmBinary()), kube.kubeconfig(), List.of(args));
  }

  static List<String> redisLines(String... command) {
    return RedisServer.cli(redis.uri(), command);
  }

  static Map<String, String> redisHash(String key) {
    return RedisServer.hash(redis.uri(), key);
  }
}
