package io.globalfunc.operator.support;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.operator.release.FunctionRelease;
import io.globalfunc.operator.release.FunctionReleaseSpec;
import io.globalfunc.operator.worker.GlobalFuncWorker;
import io.globalfunc.operator.worker.GlobalFuncWorkerSpec;
import java.util.List;

/** Builds test manifests and plays the kubelet's part: marking pods Ready by writing status. */
public final class Manifests {

  private Manifests() {}

  /** A release of {@code url}'s master branch, polled every {@code poll}. */
  public static FunctionRelease release(String namespace, String name, String url, String poll) {
    FunctionRelease r = new FunctionRelease();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    FunctionReleaseSpec spec = new FunctionReleaseSpec();
    FunctionReleaseSpec.Repository repo = new FunctionReleaseSpec.Repository();
    repo.setUrl(url);
    spec.setRepository(repo);
    spec.setBranch("master");
    spec.setPollInterval(poll);
    r.setSpec(spec);
    return r;
  }

  /** The seed's worker: node m7, version v101, 30Gi, no GPU, ports 26000-27000. */
  public static GlobalFuncWorker seedWorker(
      String namespace, String name, String release, int replicas) {
    GlobalFuncWorker w = new GlobalFuncWorker();
    w.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    GlobalFuncWorkerSpec spec = new GlobalFuncWorkerSpec();
    spec.setRelease(release);
    spec.setImage("myregistry.domain.com:24052/worker.andy.globalfunc");
    spec.setVersion("v101");
    spec.setReplicas(replicas);
    GlobalFuncWorkerSpec.Resources res = new GlobalFuncWorkerSpec.Resources();
    res.setMemory("30Gi");
    res.setGpu(0);
    spec.setResources(res);
    spec.setPorts(new GlobalFuncWorkerSpec.PortRange(26000, 27000));
    spec.setNode("m7");
    w.setSpec(spec);
    return w;
  }

  /** Writes pod status as a kubelet would once the readiness probe passes. */
  public static void markReady(KubernetesClient client, Pod pod, String podIp) {
    onConflictRetry(() -> writeReady(client, pod, podIp));
  }

  /**
   * Runs a test's own write again when the server answers 409: the operator may have written the
   * same object between the read and the write, as a kubelet's status writes also race and retry.
   */
  public static void onConflictRetry(Runnable write) {
    for (int attempt = 1; ; attempt++) {
      try {
        write.run();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private static void writeReady(KubernetesClient client, Pod pod, String podIp) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              PodCondition ready =
                  new PodConditionBuilder().withType("Ready").withStatus("True").build();
              if (p.getStatus() == null) {
                p.setStatus(new PodStatus());
              }
              p.getStatus().setPhase("Running");
              p.getStatus().setPodIP(podIp);
              p.getStatus().setHostIP("10.0.0.7");
              p.getStatus().setConditions(List.of(ready));
              return p;
            });
  }

  /** Writes the pod's Ready condition back to False, as a failing readiness probe would. */
  public static void markNotReady(KubernetesClient client, Pod pod) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            p -> {
              p.getStatus()
                  .setConditions(
                      List.of(
                          new PodConditionBuilder().withType("Ready").withStatus("False").build()));
              return p;
            });
  }
}
