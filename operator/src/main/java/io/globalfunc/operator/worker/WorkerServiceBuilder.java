package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.globalfunc.operator.common.Labels;

/**
 * Builds the Service of a worker: port 80 to the pods' named port {@code http}, which resolves to
 * each pod's own allocated port. Pure.
 */
public final class WorkerServiceBuilder {

  public static final int SERVICE_PORT = 80;

  private WorkerServiceBuilder() {}

  /** The desired Service of {@code worker}, named like it. */
  public static Service build(GlobalFuncWorker worker) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(worker.getMetadata().getName())
        .withNamespace(worker.getMetadata().getNamespace())
        .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
        .addToLabels(Labels.NAME, Labels.WORKER_APP)
        .addToLabels(Labels.INSTANCE, worker.getMetadata().getName())
        .addToLabels(Labels.WORKER, worker.getMetadata().getName())
        .withOwnerReferences(worker.asOwner())
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(WorkerPodBuilder.selectorLabels(worker))
        .addNewPort()
        .withName(WorkerPodBuilder.PORT_NAME)
        .withPort(SERVICE_PORT)
        .withProtocol("TCP")
        .withTargetPort(new IntOrString(WorkerPodBuilder.PORT_NAME))
        .endPort()
        .endSpec()
        .build();
  }

  /** True when the live Service already routes as the desired one does. */
  public static boolean matches(Service live, Service desired) {
    return live != null
        && live.getSpec() != null
        && desired.getSpec().getSelector().equals(live.getSpec().getSelector())
        && live.getSpec().getPorts() != null
        && live.getSpec().getPorts().size() == 1
        && desired
            .getSpec()
            .getPorts()
            .get(0)
            .getTargetPort()
            .equals(live.getSpec().getPorts().get(0).getTargetPort())
        && desired
            .getSpec()
            .getPorts()
            .get(0)
            .getPort()
            .equals(live.getSpec().getPorts().get(0).getPort());
  }
}
