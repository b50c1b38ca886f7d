package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.Pod;
import io.globalfunc.operator.common.EventRecorder;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.common.Reason;
import io.globalfunc.operator.endpoints.Endpoint;
import io.globalfunc.operator.endpoints.EndpointRegistry;
import io.globalfunc.operator.endpoints.EndpointRegistry.RegistryUnavailableException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A worker's side of the Redis endpoint registry: makes Redis equal its Ready pods, deregisters a
 * pod before it is deleted, and removes every entry when the worker goes. Kubernetes stays the
 * truth: a registry outage is reported, never fatal.
 */
final class WorkerEndpoints {

  private static final Logger LOG = Logger.getLogger(WorkerEndpoints.class);

  private final EndpointRegistry registry;
  private final EventRecorder events;

  WorkerEndpoints(EndpointRegistry registry, EventRecorder events) {
    this.registry = registry;
    this.events = events;
  }

  /**
   * Makes Redis equal the Ready pods (none while the release is unknown) and records the outcome;
   * false when the registry could not be written.
   */
  boolean sync(
      GlobalFuncWorker worker,
      WorkerStatusAggregator status,
      Collection<Pod> pods,
      ReleaseView release) {
    String registered = status.build().getEndpointSpace();
    String space = release != null ? release.space() : registered;
    List<Endpoint> ready =
        release == null
            ? List.of()
            : pods.stream()
                .filter(GlobalFuncWorkerReconciler::ready)
                .map(pod -> endpoint(worker, pod, release))
                .sorted(Comparator.comparingInt(Endpoint::port))
                .toList();
    status.endpoints(
        ready.stream()
            .map(
                e ->
                    new GlobalFuncWorkerStatus.Endpoint(
                        e.pod(), e.node(), e.host(), e.port(), e.commit()))
            .toList());
    if (space == null) {
      return true;
    }
    String ns = worker.getMetadata().getNamespace();
    String name = worker.getMetadata().getName();
    try {
      if (registered != null && !registered.equals(space)) {
        registry.removeWorker(registered, ns, name);
      }
      registry.sync(space, ns, name, ready);
      status.registered(space, ready.size());
      return true;
    } catch (RegistryUnavailableException e) {
      LOG.warnf("worker %s/%s: %s", ns, name, e.getMessage());
      events.warning(
          worker, Reason.REDIS_UNAVAILABLE, "endpoint registry unreachable; pods keep serving");
      status.registryUnavailable(space);
      return false;
    }
  }

  /**
   * While the API server is unreachable no Kubernetes write is possible, but the pods keep serving
   * (kubelets keep them running), so their endpoints are refreshed from the informer cache, the
   * last state Kubernetes reported: letting them expire would leave callers without endpoints over
   * a control-plane outage. A worker whose release is not cached keeps what Redis holds.
   */
  void keep(
      GlobalFuncWorker worker,
      WorkerStatusAggregator status,
      Collection<Pod> pods,
      ReleaseView release) {
    if (release != null) {
      sync(worker, status, pods, release);
    }
  }

  /** Deregisters one pod; a failure is only logged, since the entry expires by itself (TTL). */
  void deregister(GlobalFuncWorker worker, String space, Pod pod) {
    if (space == null) {
      return;
    }
    try {
      registry.deregister(
          space,
          worker.getMetadata().getNamespace(),
          worker.getMetadata().getName(),
          pod.getMetadata().getName());
    } catch (RegistryUnavailableException e) {
      LOG.warnf("could not deregister %s: %s", pod.getMetadata().getName(), e.getMessage());
    }
  }

  /** Removes every entry of the worker; throws when the registry is unreachable. */
  void removeWorker(GlobalFuncWorker worker, String space) {
    registry.removeWorker(
        space, worker.getMetadata().getNamespace(), worker.getMetadata().getName());
  }

  /** The registry entry of a Ready pod. */
  static Endpoint endpoint(GlobalFuncWorker worker, Pod pod, ReleaseView release) {
    boolean hostPort = Boolean.TRUE.equals(worker.getSpec().getHostPort());
    String host =
        hostPort && pod.getStatus().getHostIP() != null
            ? pod.getStatus().getHostIP()
            : pod.getStatus().getPodIP();
    Map<String, String> annotations =
        pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
    return new Endpoint(
        worker.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        worker.getMetadata().getName(),
        annotations.getOrDefault(Labels.IDENTITY, pod.getMetadata().getName()),
        host,
        GlobalFuncWorkerReconciler.port(pod),
        pod.getStatus().getPodIP(),
        pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
        release.name(),
        annotations.getOrDefault(Labels.COMMIT, release.commit()),
        worker.getSpec().getVersion());
  }
}
