package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.release.FunctionRelease;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What wakes a worker's reconcile: its pods and Service (by owner reference) and its
 * FunctionRelease (through an index of workers by release, so a moved commit wakes every worker
 * that serves it), and what their caches say a namespace's ports are held by.
 */
final class WorkerEventSources {

  static final String RELEASE_INDEX = "release";

  private WorkerEventSources() {}

  /** The managed pods of each worker. */
  static InformerEventSource<Pod, GlobalFuncWorker> pods(
      EventSourceContext<GlobalFuncWorker> context) {
    return owned(Pod.class, "pods", context);
  }

  /** The managed Service of each worker. */
  static InformerEventSource<Service, GlobalFuncWorker> services(
      EventSourceContext<GlobalFuncWorker> context) {
    return owned(Service.class, "services", context);
  }

  /** The release of each worker; registers the index it maps through. */
  static InformerEventSource<FunctionRelease, GlobalFuncWorker> releases(
      EventSourceContext<GlobalFuncWorker> context) {
    var workers = context.getPrimaryCache();
    workers.addIndexer(
        RELEASE_INDEX,
        w ->
            release(w) == null
                ? List.of()
                : List.of(releaseKey(w.getMetadata().getNamespace(), release(w))));
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(FunctionRelease.class, GlobalFuncWorker.class)
            .withName("releases")
            .withSecondaryToPrimaryMapper(
                (FunctionRelease r) ->
                    workers
                        .byIndex(
                            RELEASE_INDEX,
                            releaseKey(r.getMetadata().getNamespace(), r.getMetadata().getName()))
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper(
                (GlobalFuncWorker w) ->
                    release(w) == null
                        ? Set.of()
                        : Set.of(new ResourceID(release(w), w.getMetadata().getNamespace())))
            .build(),
        context);
  }

  /** What Kubernetes says is held in a namespace: live pods first, then workers' status.ports. */
  static Map<Integer, String> heldPorts(
      InformerEventSource<Pod, GlobalFuncWorker> podSource,
      Context<GlobalFuncWorker> context,
      String namespace) {
    Map<Integer, String> seed = new HashMap<>();
    podSource
        .list(namespace)
        .forEach(
            pod -> {
              Integer port = GlobalFuncWorkerReconciler.port(pod);
              String owner = pod.getMetadata().getLabels().get(Labels.WORKER);
              if (port != null && owner != null) {
                seed.putIfAbsent(port, owner);
              }
            });
    context
        .getPrimaryCache()
        .list(namespace)
        .forEach(
            w -> {
              if (w.getStatus() != null && w.getStatus().getPorts() != null) {
                w.getStatus()
                    .getPorts()
                    .forEach(p -> seed.putIfAbsent(p, w.getMetadata().getName()));
              }
            });
    return seed;
  }

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata>
      InformerEventSource<R, GlobalFuncWorker> owned(
          Class<R> kind, String name, EventSourceContext<GlobalFuncWorker> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(kind, GlobalFuncWorker.class)
            .withName(name)
            .withLabelSelector(Labels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(GlobalFuncWorker.class))
            .build(),
        context);
  }

  private static String release(GlobalFuncWorker worker) {
    return worker.getSpec() == null ? null : worker.getSpec().getRelease();
  }

  private static String releaseKey(String namespace, String release) {
    return namespace + "/" + release;
  }
}
