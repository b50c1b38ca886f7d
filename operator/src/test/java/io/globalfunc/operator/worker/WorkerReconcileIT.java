package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.KubeControlPlaneResource;
import io.globalfunc.operator.support.Manifests;
import io.globalfunc.operator.support.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worker scenarios on a real API server: the CRDs' schema and CEL rules are enforced, Pod
 * Security "restricted" admission checks every pod the operator makes, owner references are
 * garbage-collected. Pods are not run here (the test still plays the kubelet by writing status).
 */
@QuarkusTest
@QuarkusTestResource(value = KubeControlPlaneResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(RedisTestResource.class)
class WorkerReconcileIT extends WorkerReconcileScenarios {

  @Override
  protected String namespace(String hint) {
    return KubeControlPlane.get().namespace(hint);
  }

  /**
   * On the mock server bad specs reach the operator, which reports them as conditions; a real
   * server refuses them at the door with the CRD's message, so this is where a user sees them.
   */
  @Override
  @Test
  void badSpecsBecomeConditionsWithoutPodsOrCrashes() {
    String ns = namespace("bad");
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    GlobalFuncWorker inverted = Manifests.seedWorker(ns, "inverted", "lib", 1);
    inverted.getSpec().setPorts(new GlobalFuncWorkerSpec.PortRange(27000, 26000));
    assertThatThrownBy(() -> client.resource(inverted).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("ports.from must be <= ports.to");
    GlobalFuncWorker memory = Manifests.seedWorker(ns, "memory", "lib", 1);
    memory.getSpec().getResources().setMemory("lots");
    assertThatThrownBy(() -> client.resource(memory).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("spec.resources.memory");
    client.resource(Manifests.seedWorker(ns, "orphan", "missing", 1)).create();

    awaitWorker(
        ns,
        "orphan",
        x ->
            "ReleaseNotReady"
                .equals(Conditions.reason(x.getStatus().getConditions(), Conditions.READY)));
    assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();

    memory.getSpec().getResources().setMemory("1Gi");
    client.resource(memory).create();
    awaitPods(ns, "memory", l -> l.size() == 1);
    assertThat(client.resources(GlobalFuncWorker.class).inNamespace(ns).list().getItems())
        .extracting(w -> w.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(List.of("orphan", "memory"));
  }

  /** The generated schema keeps the pod options (no pruning) and refuses reserved names. */
  @Test
  void podOptionsAreKeptByTheSchemaAndReservedNamesRefused() {
    String ns = namespace("podopts");
    GlobalFuncWorker w = Manifests.seedWorker(ns, "opts", "lib", 0);
    w.getSpec()
        .setTolerations(
            List.of(
                new io.fabric8.kubernetes.api.model.TolerationBuilder()
                    .withKey("nvidia.com/gpu")
                    .withOperator("Exists")
                    .withEffect("NoSchedule")
                    .build()));
    w.getSpec()
        .setImagePullSecrets(
            List.of(new io.fabric8.kubernetes.api.model.LocalObjectReference("regcred")));
    w.getSpec().setPriorityClassName("batch-high");
    w.getSpec().setPodLabels(java.util.Map.of("team", "ml"));
    w.getSpec().setPodAnnotations(java.util.Map.of("prometheus.io/scrape", "true"));
    w.getSpec()
        .setEnv(List.of(new io.fabric8.kubernetes.api.model.EnvVar("HF_HOME", "/tmp/hf", null)));
    w.getSpec().setMaxCallsPerWorker(1);
    VersionsSpec versions = new VersionsSpec();
    versions.setMaxCommits(6);
    versions.setWorkerBudget(9);
    versions.setCommitIdleSeconds(120);
    w.getSpec().setVersions(versions);
    client.resource(w).create();
    GlobalFuncWorkerSpec back =
        client.resources(GlobalFuncWorker.class).inNamespace(ns).withName("opts").get().getSpec();
    assertThat(back.getTolerations()).extracting("key").containsExactly("nvidia.com/gpu");
    assertThat(back.getImagePullSecrets()).extracting("name").containsExactly("regcred");
    assertThat(back.getPriorityClassName()).isEqualTo("batch-high");
    assertThat(back.getPodLabels()).containsEntry("team", "ml");
    assertThat(back.getPodAnnotations()).containsEntry("prometheus.io/scrape", "true");
    assertThat(back.getEnv()).extracting("name").containsExactly("HF_HOME");
    assertThat(back.getMaxCallsPerWorker()).isEqualTo(1);
    assertThat(back.getVersions())
        .extracting("maxCommits", "workerBudget", "commitIdleSeconds")
        .containsExactly(6, 9, 120);

    GlobalFuncWorker budget = Manifests.seedWorker(ns, "budget", "lib", 0);
    VersionsSpec small = new VersionsSpec();
    small.setWorkerBudget(budget.getSpec().getPythonWorkers());
    budget.getSpec().setVersions(small);
    assertThatThrownBy(() -> client.resource(budget).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("versions.workerBudget must exceed pythonWorkers");
    small.setMaxCommits(1); // the release's commit only
    client.resource(budget).create();
    GlobalFuncWorker idle = Manifests.seedWorker(ns, "idle", "lib", 0);
    idle.getSpec().setVersions(new VersionsSpec());
    idle.getSpec().getVersions().setCommitIdleSeconds(0);
    assertThatThrownBy(() -> client.resource(idle).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("commitIdleSeconds");

    GlobalFuncWorker env = Manifests.seedWorker(ns, "env", "lib", 0);
    env.getSpec()
        .setEnv(List.of(new io.fabric8.kubernetes.api.model.EnvVar("GF_TIMEOUT", "1", null)));
    assertThatThrownBy(() -> client.resource(env).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("env may not set GF_* or QUARKUS_*");
    GlobalFuncWorker labels = Manifests.seedWorker(ns, "labels", "lib", 0);
    labels.getSpec().setPodLabels(java.util.Map.of("globalfunc.io/worker", "other"));
    assertThatThrownBy(() -> client.resource(labels).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("podLabels may not use");
  }

  /**
   * Admission refuses the operator's pods (a ResourceQuota, Pod Security): the worker says so in
   * Degraded/Ready with the server's message and an Event, and retries on a timer, so raising the
   * quota is enough.
   */
  @Test
  void aPodTheServerRefusesIsDegradedWithTheServersMessageAnEventAndATimedRetry() {
    String ns = namespace("refused");
    client
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName("pods")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .addToHard("pods", new Quantity("1"))
                .endSpec()
                .build())
        .create();
    client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
    client.resource(Manifests.seedWorker(ns, "m7", "lib", 2)).create();
    GlobalFuncWorker quota = awaitWorker(ns, "m7", x -> refused(x, "quota"));
    assertThat(Conditions.get(quota.getStatus().getConditions(), Conditions.READY).orElseThrow())
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"))
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("PodCreateRefused"))
        .satisfies(c -> assertThat(c.getMessage()).contains("forbidden", "quota"));
    // The status says why these pods take no batches (this operator knows no Redis Secret); the
    // server's schema keeps the field.
    assertThat(quota.getStatus().getBatches()).startsWith("off: no Redis Secret known");
    await()
        .atMost(LONG)
        .until(
            () -> client.v1().events().inNamespace(ns).list().getItems(),
            l ->
                l.stream()
                    .anyMatch(
                        e ->
                            "PodCreateRefused".equals(e.getReason())
                                && e.getMessage().contains("quota")));

    GlobalFuncWorker hostPort = Manifests.seedWorker(ns, "hp", "lib", 1);
    hostPort.getSpec().setHostPort(true);
    client.resource(hostPort).create();
    awaitWorker(ns, "hp", x -> refused(x, "violates PodSecurity \"restricted"));

    client
        .resourceQuotas()
        .inNamespace(ns)
        .withName("pods")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"hard\":{\"pods\":\"10\"}}}");
    awaitPods(ns, "m7", l -> l.size() == 2);
    awaitWorker(
        ns, "m7", x -> !Conditions.isTrue(x.getStatus().getConditions(), Conditions.DEGRADED));
  }

  private static boolean refused(GlobalFuncWorker w, String text) {
    return Conditions.get(w.getStatus().getConditions(), Conditions.DEGRADED)
        .filter(c -> "True".equals(c.getStatus()) && "PodCreateRefused".equals(c.getReason()))
        .filter(c -> c.getMessage().contains(text))
        .isPresent();
  }
}
