package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClientException;
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
}
