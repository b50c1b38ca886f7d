package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.globalfunc.core.naming.EndpointKeys;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.common.Reason;
import io.globalfunc.operator.release.FunctionRelease;
import io.globalfunc.operator.support.GitFixture;
import io.globalfunc.operator.support.Manifests;
import io.globalfunc.operator.support.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reconciliation of workers against a Kubernetes API server, a real redis-server and real Git
 * repositories. No kubelet runs: the tests mark pods Ready by writing pod status. Each test works
 * in its own namespace, so their port ranges do not interfere. Run on fabric8's mock server ({@link
 * WorkerReconcileMockIT}) and on a real API server ({@link WorkerReconcileIT}).
 */
abstract class WorkerReconcileScenarios {

  static final Duration LONG = Duration.ofSeconds(90);

  /** The namespace a test works in, made from {@code hint}; the server may need it created. */
  protected abstract String namespace(String hint);

  static final String SPACE = "sp_GlobalFunc";
  static GitFixture git;
  static final AtomicInteger ips = new AtomicInteger(10);

  @Inject KubernetesClient client;
  @Inject RedisDataSource redis;

  @BeforeAll
  static void repository() {
    git = GitFixture.create(GitFixture.sampleLibrary());
  }

  @AfterAll
  static void closeRepository() {
    git.close();
  }

  @Test
  void createsTheSeedsWorkerFleetWithItsPortsAndSpec() {
    String ns = namespace("create");
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    client.resource(Manifests.seedWorker(ns, "m7", "lib", 3)).create();

    List<Pod> pods = awaitPods(ns, "m7", l -> l.size() == 3);
    assertThat(pods)
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "m7-v101-30g-0g-26000", "m7-v101-30g-0g-26001", "m7-v101-30g-0g-26002");
    Pod pod = client.pods().inNamespace(ns).withName("m7-v101-30g-0g-26000").get();
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry(Labels.IDENTITY, "m7_v101_30G_0G_26000")
        .containsKey(Labels.SPEC_HASH);
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("GlobalFuncWorker"));
    var runtime = pod.getSpec().getContainers().get(0);
    assertThat(runtime.getImage())
        .isEqualTo("myregistry.domain.com:24052/worker.andy.globalfunc:v101");
    assertThat(runtime.getPorts().get(0).getName()).isEqualTo("http");
    assertThat(runtime.getPorts().get(0).getContainerPort()).isEqualTo(26000);
    assertThat(runtime.getPorts().get(0).getHostPort()).isNull();
    assertThat(runtime.getResources().getLimits().get("memory").toString()).isEqualTo("30Gi");
    assertThat(runtime.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getNodeSelector()).containsEntry("kubernetes.io/hostname", "m7");
    assertThat(runtime.getEnv()).noneMatch(e -> e.getName().startsWith("GF_GIT_"));
    FunctionRelease release =
        client.resources(FunctionRelease.class).inNamespace(ns).withName("lib").get();
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry(Labels.COMMIT, release.getStatus().getCommit());
    assertThat(client.secrets().inNamespace(ns).withName("m7-release-token").get())
        .as("the worker's release token")
        .satisfies(
            t -> {
              assertThat(t.getData()).containsKeys(ReleaseTokens.KEY, ReleaseTokens.SHA256_KEY);
              assertThat(t.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("m7");
            });

    var service = client.services().inNamespace(ns).withName("m7").get();
    assertThat(service.getSpec().getSelector()).containsEntry(Labels.WORKER, "m7");
    assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");

    assertThat(release.getStatus().getFunctions()).isEqualTo(2);
    assertThat(Conditions.isTrue(release.getStatus().getConditions(), Conditions.READY)).isTrue();
    GlobalFuncWorker worker =
        awaitWorker(ns, "m7", w -> w.getStatus() != null && w.getStatus().getPorts().size() == 3);
    assertThat(worker.getStatus().getPorts()).containsExactly(26000, 26001, 26002);
    assertThat(worker.getStatus().getSelector()).contains("globalfunc.io/worker=m7");
    assertThat(worker.getStatus().getObservedGeneration())
        .isEqualTo(worker.getMetadata().getGeneration());
  }

  @Test
  void twentyWorkersCreatedAtOnceNeverShareAPortAndAnExhaustedRangeIsReported() {
    String ns = namespace("many");
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    // 20 workers x 2 replicas into a range of exactly 40 ports, all applied concurrently.
    IntStream.range(0, 20)
        .parallel()
        .forEach(
            i -> {
              GlobalFuncWorker w = Manifests.seedWorker(ns, "w" + i, "lib", 2);
              w.getSpec().setNode(null);
              w.getSpec().setPorts(new GlobalFuncWorkerSpec.PortRange(26000, 26039));
              client.resource(w).create();
            });
    List<Pod> pods = awaitAllPods(ns, l -> l.size() == 40);
    List<Integer> ports = pods.stream().map(GlobalFuncWorkerReconciler::port).toList();
    assertThat(new HashSet<>(ports)).hasSize(40).allMatch(p -> p >= 26000 && p <= 26039);
    assertThat(pods)
        .allMatch(
            p ->
                p.getSpec()
                    .getContainers()
                    .get(0)
                    .getPorts()
                    .get(0)
                    .getContainerPort()
                    .equals(GlobalFuncWorkerReconciler.port(p)));

    GlobalFuncWorker late = Manifests.seedWorker(ns, "late", "lib", 1);
    late.getSpec().setNode(null);
    late.getSpec().setPorts(new GlobalFuncWorkerSpec.PortRange(26000, 26039));
    client.resource(late).create();
    GlobalFuncWorker reported =
        awaitWorker(
            ns,
            "late",
            w ->
                w.getStatus() != null
                    && Conditions.isTrue(
                        w.getStatus().getConditions(), Conditions.PORT_RANGE_EXHAUSTED));
    assertThat(Conditions.reason(reported.getStatus().getConditions(), Conditions.READY))
        .isEqualTo(Conditions.PORT_RANGE_EXHAUSTED);
    assertThat(client.pods().inNamespace(ns).withLabel(Labels.WORKER, "late").list().getItems())
        .isEmpty();
  }

  @Test
  void readyPodsAreRegisteredInRedisAndRemovedWhenNotReady() {
    String ns = namespace("ready");
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    client.resource(Manifests.seedWorker(ns, "m7", "lib", 2)).create();
    List<Pod> pods = awaitPods(ns, "m7", l -> l.size() == 2);
    pods.forEach(this::markReady);

    String key = EndpointKeys.endpoint(SPACE, ns, "m7-v101-30g-0g-26000");
    Map<String, String> entry =
        await().atMost(LONG).until(() -> redis.hash(String.class).hgetall(key), m -> !m.isEmpty());
    FunctionRelease release =
        client.resources(FunctionRelease.class).inNamespace(ns).withName("lib").get();
    assertThat(entry)
        .containsEntry("worker", "m7")
        .containsEntry("identity", "m7_v101_30G_0G_26000")
        .containsEntry("port", "26000")
        .containsEntry("version", "v101")
        .containsEntry("commit", release.getStatus().getCommit())
        .containsKey("podIP")
        .containsKey("host");
    assertThat(redis.key().ttl(key)).isPositive();
    // Each pod registers on its own reconcile: the second may land a moment after the first.
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(redis.set(String.class).smembers(EndpointKeys.spaceIndex(SPACE)))
                    .contains(ns + "/m7-v101-30g-0g-26000", ns + "/m7-v101-30g-0g-26001"));
    GlobalFuncWorker worker =
        awaitWorker(
            ns, "m7", w -> w.getStatus() != null && w.getStatus().getEndpoints().size() == 2);
    assertThat(Conditions.isTrue(worker.getStatus().getConditions(), Conditions.READY)).isTrue();
    assertThat(worker.getStatus().getReadyReplicas()).isEqualTo(2);

    // The periodic resync makes Redis equal what Kubernetes says: a stray entry is removed.
    String ghost = EndpointKeys.endpoint(SPACE, ns, "m7-v101-30g-0g-26999");
    redis.hash(String.class).hset(ghost, Map.of("port", "26999"));
    redis.set(String.class).sadd(EndpointKeys.workerIndex(SPACE, ns, "m7"), "m7-v101-30g-0g-26999");
    await().atMost(LONG).until(() -> !redis.key().exists(ghost));

    markNotReady(client.pods().inNamespace(ns).withName("m7-v101-30g-0g-26001").get());
    await()
        .atMost(LONG)
        .until(() -> !redis.key().exists(EndpointKeys.endpoint(SPACE, ns, "m7-v101-30g-0g-26001")));
    assertThat(redis.key().exists(key)).isTrue();
  }

  @Test
  void aDeletedPodIsRecreatedOnItsPort() {
    String ns = namespace("recreate");
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    client.resource(Manifests.seedWorker(ns, "m7", "lib", 3)).create();
    awaitPods(ns, "m7", l -> l.size() == 3);
    Pod victim = client.pods().inNamespace(ns).withName("m7-v101-30g-0g-26001").get();
    client.resource(victim).delete();

    Pod back =
        await()
            .atMost(LONG)
            .until(
                () -> client.pods().inNamespace(ns).withName("m7-v101-30g-0g-26001").get(),
                p -> p != null && !p.getMetadata().getUid().equals(victim.getMetadata().getUid()));
    assertThat(GlobalFuncWorkerReconciler.port(back)).isEqualTo(26001);
    assertThat(client.pods().inNamespace(ns).withLabel(Labels.WORKER, "m7").list().getItems())
        .extracting(GlobalFuncWorkerReconciler::port)
        .containsExactlyInAnyOrder(26000, 26001, 26002);
  }

  @Test
  void aDeletedReleaseTokenSecretComesBackWithANewTokenAndAWarningEvent() {
    String ns = namespace("token");
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    client.resource(Manifests.seedWorker(ns, "m7", "lib", 1)).create();
    awaitPods(ns, "m7", l -> l.size() == 1);
    String name = ReleaseTokens.secretName("m7");
    Secret first =
        await()
            .atMost(LONG)
            .until(() -> client.secrets().inNamespace(ns).withName(name).get(), s -> s != null);
    assertThat(eventReasons(ns)).doesNotContain(Reason.RELEASE_TOKEN_RECREATED.label());

    client.resource(first).delete();
    Secret back =
        await()
            .atMost(LONG)
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> client.secrets().inNamespace(ns).withName(name).get(),
                s -> s != null && !s.getMetadata().getUid().equals(first.getMetadata().getUid()));
    assertThat(back.getData().get(ReleaseTokens.KEY))
        .as("a new token")
        .isNotEqualTo(first.getData().get(ReleaseTokens.KEY));
    await()
        .atMost(LONG)
        .until(() -> eventReasons(ns).contains(Reason.RELEASE_TOKEN_RECREATED.label()));
  }

  List<String> eventReasons(String ns) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  @Test
  void aMovedReleaseCommitRollsNoPodAndAChangedSpecReplacesPodsOneAtATime() {
    String ns = namespace("rollout");
    try (GitFixture repo = GitFixture.create(GitFixture.sampleLibrary())) {
      client.resource(Manifests.release(ns, "lib", repo.url(), "1s")).create();
      client.resource(Manifests.seedWorker(ns, "m7", "lib", 3)).create();
      awaitPods(ns, "m7", l -> l.size() == 3).forEach(this::markReady);
      awaitWorker(
          ns,
          "m7",
          w ->
              w.getStatus() != null
                  && w.getStatus().getReadyReplicas() != null
                  && w.getStatus().getReadyReplicas() == 3
                  && w.getStatus().getCommit() != null);

      Set<String> before = uids(ns);
      String next =
          repo.commit(Map.of("Base/sub.py", "def sub(a, b):\n    return a - b\n"), "add sub");

      // The commit is not in the template: no pod goes; the operator asks each pod to switch in
      // place, and these pods (no process behind them) cannot answer, which the status says.
      GlobalFuncWorker switching =
          awaitWorker(
              ns,
              "m7",
              w ->
                  "SwitchingCommit"
                      .equals(
                          Conditions.reason(
                              w.getStatus().getConditions(), Conditions.PROGRESSING)));
      assertThat(
              Conditions.get(switching.getStatus().getConditions(), Conditions.PROGRESSING)
                  .orElseThrow()
                  .getMessage())
          .startsWith("0/3 pods serve " + next.substring(0, 12))
          .contains("switching in place", "m7-v101-30g-0g-2600");
      assertThat(switching.getStatus().getCommit()).isNotEqualTo(next);
      assertThat(uids(ns)).isEqualTo(before);

      // A spec change does roll them, one at a time, and the new pods start at the new commit.
      Manifests.onConflictRetry(
          () ->
              client
                  .resources(GlobalFuncWorker.class)
                  .inNamespace(ns)
                  .withName("m7")
                  .patch(
                      PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"pythonWorkers\":3}}"));

      // Play the kubelet: every new pod becomes Ready once seen. Meanwhile never more than one of
      // the three replicas may be missing or not Ready.
      AtomicInteger worst = new AtomicInteger();
      Set<String> seenUids = new HashSet<>(before);
      await()
          .atMost(LONG)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                List<Pod> live =
                    client.pods().inNamespace(ns).withLabel(Labels.WORKER, "m7").list().getItems();
                long ready = live.stream().filter(GlobalFuncWorkerReconciler::ready).count();
                worst.accumulateAndGet((int) (3 - ready), Math::max);
                for (Pod p : live) {
                  seenUids.add(p.getMetadata().getUid());
                  if (!GlobalFuncWorkerReconciler.ready(p)) {
                    markReadyUnlessGone(p);
                  }
                }
                return live.size() == 3
                    && ready == 3
                    && live.stream()
                        .allMatch(
                            p -> next.equals(p.getMetadata().getAnnotations().get(Labels.COMMIT)));
              });
      assertThat(worst.get()).isLessThanOrEqualTo(1);
      assertThat(seenUids).hasSizeGreaterThanOrEqualTo(6);
      assertThat(client.pods().inNamespace(ns).withLabel(Labels.WORKER, "m7").list().getItems())
          .extracting(GlobalFuncWorkerReconciler::port)
          .containsExactlyInAnyOrder(26000, 26001, 26002);
      await()
          .atMost(LONG)
          .until(
              () ->
                  redis
                      .hash(String.class)
                      .hgetall(EndpointKeys.endpoint(SPACE, ns, "m7-v101-30g-0g-26002"))
                      .get("commit"),
              next::equals);
      awaitWorker(ns, "m7", w -> next.equals(w.getStatus().getCommit()));
    }
  }

  @Test
  void scalesUpAndDown() {
    String ns = namespace("scale");
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    client.resource(Manifests.seedWorker(ns, "m7", "lib", 1)).create();
    awaitPods(ns, "m7", l -> l.size() == 1).forEach(this::markReady);

    setReplicas(ns, "m7", 4);
    awaitPods(ns, "m7", l -> l.size() == 4).forEach(this::markReady);
    await()
        .atMost(LONG)
        .until(
            () ->
                redis.set(String.class).smembers(EndpointKeys.workerIndex(SPACE, ns, "m7")).size()
                    == 4);

    setReplicas(ns, "m7", 2);
    List<Pod> left = awaitPods(ns, "m7", l -> l.size() == 2);
    assertThat(left)
        .extracting(GlobalFuncWorkerReconciler::port)
        .containsExactlyInAnyOrder(26000, 26001);
    await()
        .atMost(LONG)
        .until(
            () -> redis.set(String.class).smembers(EndpointKeys.workerIndex(SPACE, ns, "m7")),
            s -> s.equals(Set.of("m7-v101-30g-0g-26000", "m7-v101-30g-0g-26001")));
    GlobalFuncWorker w =
        awaitWorker(
            ns,
            "m7",
            x -> x.getStatus().getPorts().size() == 2 && x.getStatus().getReplicas() == 2);
    assertThat(w.getStatus().getPorts()).containsExactly(26000, 26001);

    setReplicas(ns, "m7", 0);
    awaitPods(ns, "m7", List::isEmpty);
  }

  @Test
  void badSpecsBecomeConditionsWithoutPodsOrCrashes() {
    String ns = namespace("bad");
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    GlobalFuncWorker inverted = Manifests.seedWorker(ns, "inverted", "lib", 1);
    inverted.getSpec().setPorts(new GlobalFuncWorkerSpec.PortRange(27000, 26000));
    client.resource(inverted).create();
    GlobalFuncWorker memory = Manifests.seedWorker(ns, "memory", "lib", 1);
    memory.getSpec().getResources().setMemory("lots");
    client.resource(memory).create();
    GlobalFuncWorker orphan = Manifests.seedWorker(ns, "orphan", "missing", 1);
    client.resource(orphan).create();

    for (String name : List.of("inverted", "memory")) {
      GlobalFuncWorker w =
          awaitWorker(
              ns,
              name,
              x ->
                  x.getStatus() != null
                      && "InvalidSpec"
                          .equals(
                              Conditions.reason(
                                  x.getStatus().getConditions(), Conditions.DEGRADED)));
      assertThat(Conditions.isTrue(w.getStatus().getConditions(), Conditions.READY)).isFalse();
    }
    awaitWorker(
        ns,
        "orphan",
        x ->
            x.getStatus() != null
                && "ReleaseNotReady"
                    .equals(Conditions.reason(x.getStatus().getConditions(), Conditions.READY)));
    assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anyMatch(e -> "InvalidSpec".equals(e.getReason()));

    // The operator is still healthy: fixing the spec brings the pod.
    client
        .resources(GlobalFuncWorker.class)
        .inNamespace(ns)
        .withName("memory")
        .edit(
            w -> {
              w.getSpec().getResources().setMemory("1Gi");
              return w;
            });
    awaitPods(ns, "memory", l -> l.size() == 1);
  }

  @Test
  void redisOutageIsAConditionAndRecoversWithoutRestart() {
    String ns = namespace("outage");
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    client.resource(Manifests.seedWorker(ns, "m7", "lib", 2)).create();
    awaitPods(ns, "m7", l -> l.size() == 2).forEach(this::markReady);
    String key = EndpointKeys.endpoint(SPACE, ns, "m7-v101-30g-0g-26000");
    await().atMost(LONG).until(() -> redis.key().exists(key));

    RedisTestResource.server().stop();
    try {
      awaitWorker(
          ns,
          "m7",
          w -> Conditions.isTrue(w.getStatus().getConditions(), Conditions.REDIS_UNAVAILABLE));
      assertThat(client.pods().inNamespace(ns).withLabel(Labels.WORKER, "m7").list().getItems())
          .hasSize(2);
    } finally {
      RedisTestResource.server().restart(); // comes back empty: the resync must rebuild it
    }
    awaitWorker(
        ns,
        "m7",
        w -> !Conditions.isTrue(w.getStatus().getConditions(), Conditions.REDIS_UNAVAILABLE));
    await().atMost(LONG).until(() -> redis.key().exists(key));
    assertThat(redis.hash(String.class).hgetall(key)).containsEntry("port", "26000");
  }

  @Test
  void deletingAWorkerCleansRedis() {
    String ns = namespace("delete");
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    client.resource(Manifests.seedWorker(ns, "m7", "lib", 2)).create();
    awaitPods(ns, "m7", l -> l.size() == 2).forEach(this::markReady);
    String index = EndpointKeys.workerIndex(SPACE, ns, "m7");
    await().atMost(LONG).until(() -> redis.set(String.class).smembers(index).size() == 2);

    client.resources(GlobalFuncWorker.class).inNamespace(ns).withName("m7").delete();
    await()
        .atMost(LONG)
        .until(
            () ->
                client.resources(GlobalFuncWorker.class).inNamespace(ns).withName("m7").get()
                    == null);
    assertThat(redis.key().exists(index)).isFalse();
    assertThat(redis.key().exists(EndpointKeys.endpoint(SPACE, ns, "m7-v101-30g-0g-26000")))
        .isFalse();
    assertThat(redis.set(String.class).smembers(EndpointKeys.spaceIndex(SPACE)))
        .noneMatch(m -> m.startsWith(ns + "/"));
  }

  Set<String> uids(String ns) {
    Set<String> uids = new HashSet<>();
    client
        .pods()
        .inNamespace(ns)
        .withLabel(Labels.WORKER, "m7")
        .list()
        .getItems()
        .forEach(p -> uids.add(p.getMetadata().getUid()));
    return uids;
  }

  void markReady(Pod pod) {
    Manifests.markReady(client, pod, "10.1.0." + ips.incrementAndGet() % 250);
  }

  /**
   * Sets spec.replicas with a merge patch (no resourceVersion): a real server refuses an edit based
   * on a copy the operator's status write has since replaced (409), as kubectl scale would not.
   */
  void setReplicas(String ns, String name, int replicas) {
    Manifests.onConflictRetry(
        () ->
            client
                .resources(GlobalFuncWorker.class)
                .inNamespace(ns)
                .withName(name)
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"replicas\":" + replicas + "}}"));
  }

  /** Marks a pod Ready unless the operator deleted it since it was listed (a real server). */
  void markReadyUnlessGone(Pod pod) {
    try {
      markReady(pod);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  void markNotReady(Pod pod) {
    Manifests.markNotReady(client, pod);
  }

  List<Pod> awaitPods(String ns, String worker, Predicate<List<Pod>> done) {
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.pods().inNamespace(ns).withLabel(Labels.WORKER, worker).list().getItems(),
            done);
  }

  List<Pod> awaitAllPods(String ns, Predicate<List<Pod>> done) {
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> client.pods().inNamespace(ns).list().getItems(), done);
  }

  GlobalFuncWorker awaitWorker(String ns, String name, Predicate<GlobalFuncWorker> done) {
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.resources(GlobalFuncWorker.class).inNamespace(ns).withName(name).get(),
            w -> w != null && w.getStatus() != null && done.test(w));
  }
}
