package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.common.EventRecorder;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.endpoints.Endpoint;
import io.globalfunc.operator.endpoints.EndpointRegistry;
import io.globalfunc.operator.endpoints.EndpointRegistry.RegistryUnavailableException;
import io.globalfunc.operator.release.FunctionRelease;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Reconciles a GlobalFuncWorker: one Pod per port the {@link PortAllocator} gives it, a Service,
 * one-at-a-time replacement of outdated pods, and the Redis endpoint registry. Deciding what to do
 * is delegated to pure builders; this class only compares and applies.
 */
@ControllerConfiguration(
    name = "globalfuncworker",
    finalizerName = GlobalFuncWorkerReconciler.FINALIZER)
public class GlobalFuncWorkerReconciler
    implements Reconciler<GlobalFuncWorker>, Cleaner<GlobalFuncWorker> {

  public static final String FINALIZER = "globalfunc.io/endpoints";
  static final String RELEASE_INDEX = "release";
  private static final Logger LOG = Logger.getLogger(GlobalFuncWorkerReconciler.class);

  private final PortAllocator ports;
  private final EndpointRegistry registry;
  private final EventRecorder events;
  private final Duration resync;
  private final Duration redisRetry = Duration.ofSeconds(5);

  private InformerEventSource<Pod, GlobalFuncWorker> podSource;

  private final KubernetesClient client;

  public GlobalFuncWorkerReconciler(
      KubernetesClient client,
      PortAllocator ports,
      EndpointRegistry registry,
      EventRecorder events,
      Duration resync) {
    this.client = client;
    this.ports = ports;
    this.registry = registry;
    this.events = events;
    this.resync = resync;
  }

  @Override
  public List<EventSource<?, GlobalFuncWorker>> prepareEventSources(
      EventSourceContext<GlobalFuncWorker> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            RELEASE_INDEX,
            w ->
                w.getSpec() == null || w.getSpec().getRelease() == null
                    ? List.of()
                    : List.of(
                        releaseKey(w.getMetadata().getNamespace(), w.getSpec().getRelease())));
    podSource =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, GlobalFuncWorker.class)
                .withName("pods")
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(GlobalFuncWorker.class))
                .build(),
            context);
    var services =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Service.class, GlobalFuncWorker.class)
                .withName("services")
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(GlobalFuncWorker.class))
                .build(),
            context);
    // A release's commit moving must wake every worker that serves it.
    var releases =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(FunctionRelease.class, GlobalFuncWorker.class)
                .withName("releases")
                .withSecondaryToPrimaryMapper(
                    (FunctionRelease r) ->
                        context
                            .getPrimaryCache()
                            .byIndex(
                                RELEASE_INDEX,
                                releaseKey(
                                    r.getMetadata().getNamespace(), r.getMetadata().getName()))
                            .stream()
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper(
                    (GlobalFuncWorker w) ->
                        w.getSpec() == null || w.getSpec().getRelease() == null
                            ? Set.of()
                            : Set.of(
                                new ResourceID(
                                    w.getSpec().getRelease(), w.getMetadata().getNamespace())))
                .build(),
            context);
    return List.of(podSource, services, releases);
  }

  @Override
  public UpdateControl<GlobalFuncWorker> reconcile(
      GlobalFuncWorker worker, Context<GlobalFuncWorker> context) {
    String ns = worker.getMetadata().getNamespace();
    String name = worker.getMetadata().getName();
    long generation =
        worker.getMetadata().getGeneration() == null ? 0 : worker.getMetadata().getGeneration();
    GlobalFuncWorkerStatus before = copy(worker.getStatus());
    GlobalFuncWorkerStatus status = copy(worker.getStatus());
    status.setObservedGeneration(generation);
    status.setSelector(WorkerPodBuilder.selector(worker));

    Map<Integer, Pod> pods = podsByPort(context.getSecondaryResources(Pod.class));
    status.setReplicas(pods.size());
    status.setReadyReplicas(
        (int) pods.values().stream().filter(GlobalFuncWorkerReconciler::ready).count());

    List<String> problems = WorkerSpecValidator.problems(worker);
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      events.warning(worker, "InvalidSpec", message);
      setDegraded(status, true, "InvalidSpec", message, generation);
      setReady(status, false, "InvalidSpec", message, generation);
      return finish(worker, before, status, null);
    }
    GlobalFuncWorkerSpec spec = worker.getSpec();
    ReleaseView release =
        ReleaseView.of(context.getSecondaryResource(FunctionRelease.class).orElse(null));
    if (release == null) {
      String message = "FunctionRelease " + spec.getRelease() + " has no resolved commit yet";
      setReady(status, false, "ReleaseNotReady", message, generation);
      setProgressing(status, false, "ReleaseNotReady", message, generation);
      syncEndpoints(worker, status, pods, null, generation);
      return finish(worker, before, status, Duration.ofSeconds(30));
    }

    // Ports: the ones this worker holds (status, then live pods), topped up from the range.
    List<Integer> held = new ArrayList<>(status.getPorts() == null ? List.of() : status.getPorts());
    pods.keySet().stream().sorted().filter(p -> !held.contains(p)).forEach(held::add);
    PortAllocator.Assignment assignment =
        ports.assign(
            ns,
            name,
            held,
            spec.getReplicas(),
            spec.getPorts().getFrom(),
            spec.getPorts().getTo(),
            () -> seedPorts(context, ns));
    status.setPorts(assignment.keep());
    if (assignment.exhausted()) {
      String message =
          String.format(
              "only %d of %d ports free in %d-%d",
              assignment.keep().size(),
              spec.getReplicas(),
              spec.getPorts().getFrom(),
              spec.getPorts().getTo());
      events.warning(worker, Conditions.PORT_RANGE_EXHAUSTED, message);
      status.setConditions(
          Conditions.set(
              status.getConditions(),
              Conditions.PORT_RANGE_EXHAUSTED,
              true,
              Conditions.PORT_RANGE_EXHAUSTED,
              message,
              generation));
      setDegraded(status, true, Conditions.PORT_RANGE_EXHAUSTED, message, generation);
    } else {
      status.setConditions(
          Conditions.set(
              status.getConditions(),
              Conditions.PORT_RANGE_EXHAUSTED,
              false,
              "PortsAllocated",
              "every replica has a port",
              generation));
      setDegraded(status, false, "AsExpected", "", generation);
    }

    // Pods no longer wanted (scale down, range change): deregister, delete, give the port back.
    for (Integer port : List.copyOf(pods.keySet())) {
      if (!assignment.keep().contains(port)) {
        Pod pod = pods.remove(port);
        removePod(worker, release.space(), pod, status, "ScaledDown");
        ports.release(ns, name, port);
      }
    }
    for (Integer port : assignment.surplus()) {
      if (!pods.containsKey(port)) {
        ports.release(ns, name, port);
      }
    }

    ensureService(worker, context);

    // Desired pods; failed ones are removed so they come back on the same port.
    Map<Integer, Pod> desired = new LinkedHashMap<>();
    for (Integer port : assignment.keep()) {
      desired.put(port, WorkerPodBuilder.build(worker, release, port));
    }
    boolean changed = false;
    for (var entry : desired.entrySet()) {
      Pod live = pods.get(entry.getKey());
      if (live != null && failed(live)) {
        removePod(worker, release.space(), live, status, "PodFailed");
        pods.remove(entry.getKey());
        changed = true;
      } else if (live == null) {
        createPod(worker, entry.getValue(), context);
        changed = true;
      }
    }

    // One-at-a-time replacement of outdated pods, never while another replica is unavailable
    // (except an outdated pod that is not Ready anyway: replacing it costs no capacity).
    List<Pod> outdated =
        desired.entrySet().stream()
            .filter(e -> pods.containsKey(e.getKey()))
            .filter(e -> !hash(pods.get(e.getKey())).equals(hash(e.getValue())))
            .map(e -> pods.get(e.getKey()))
            .toList();
    boolean allAvailable =
        desired.keySet().stream().allMatch(p -> pods.containsKey(p) && ready(pods.get(p)))
            && pods.values().stream()
                .noneMatch(p -> p.getMetadata().getDeletionTimestamp() != null);
    if (!outdated.isEmpty()) {
      Optional<Pod> victim =
          outdated.stream()
              .filter(p -> !ready(p))
              .findFirst()
              .or(() -> allAvailable ? Optional.of(outdated.get(0)) : Optional.empty());
      victim.ifPresent(
          p -> {
            removePod(worker, release.space(), p, status, "Replacing");
            pods.remove(port(p));
          });
      changed = true;
    }

    boolean rolledOut = outdated.isEmpty() && !changed && allAvailable;
    if (rolledOut) {
      status.setCommit(release.commit());
      setProgressing(
          status,
          false,
          "RolledOut",
          "every pod serves " + shortCommit(release.commit()),
          generation);
    } else {
      setProgressing(
          status,
          true,
          outdated.isEmpty() ? "ScalingPods" : "ReplacingPods",
          outdated.size()
              + " pods outdated, "
              + status.getReadyReplicas()
              + "/"
              + spec.getReplicas()
              + " ready",
          generation);
    }
    int readyCount = status.getReadyReplicas();
    boolean ready = readyCount >= spec.getReplicas() && !assignment.exhausted();
    setReady(
        status,
        ready,
        ready
            ? "AllReplicasReady"
            : assignment.exhausted() ? Conditions.PORT_RANGE_EXHAUSTED : "ReplicasNotReady",
        readyCount + "/" + spec.getReplicas() + " pods ready",
        generation);

    boolean redisOk = syncEndpoints(worker, status, pods, release, generation);
    return finish(worker, before, status, redisOk ? resync : redisRetry);
  }

  @Override
  public DeleteControl cleanup(GlobalFuncWorker worker, Context<GlobalFuncWorker> context) {
    String ns = worker.getMetadata().getNamespace();
    String space = worker.getStatus() == null ? null : worker.getStatus().getEndpointSpace();
    try {
      if (space != null) {
        registry.removeWorker(space, ns, worker.getMetadata().getName());
      }
    } catch (RegistryUnavailableException e) {
      // Keep the finalizer: the entries must go before the worker does; retry soon.
      LOG.warnf(
          "worker %s/%s: %s; keeping finalizer",
          ns, worker.getMetadata().getName(), e.getMessage());
      events.warning(
          worker, Conditions.REDIS_UNAVAILABLE, "cannot remove endpoints: " + e.getMessage());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(redisRetry);
    }
    ports.releaseAll(ns, worker.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  /** Makes Redis equal the Ready pods; records the outcome as the RedisUnavailable condition. */
  private boolean syncEndpoints(
      GlobalFuncWorker worker,
      GlobalFuncWorkerStatus status,
      Map<Integer, Pod> pods,
      ReleaseView release,
      long generation) {
    String ns = worker.getMetadata().getNamespace();
    String name = worker.getMetadata().getName();
    String space = release != null ? release.space() : status.getEndpointSpace();
    List<Endpoint> ready = new ArrayList<>();
    for (Pod pod : pods.values()) {
      if (ready(pod) && release != null) {
        ready.add(endpoint(worker, pod, release));
      }
    }
    ready.sort(Comparator.comparingInt(Endpoint::port));
    status.setEndpoints(
        ready.stream()
            .map(e -> new GlobalFuncWorkerStatus.Endpoint(e.pod(), e.node(), e.host(), e.port()))
            .toList());
    if (space == null) {
      return true;
    }
    try {
      if (status.getEndpointSpace() != null && !status.getEndpointSpace().equals(space)) {
        registry.removeWorker(status.getEndpointSpace(), ns, name);
      }
      registry.sync(space, ns, name, ready);
      status.setEndpointSpace(space);
      status.setConditions(
          Conditions.set(
              status.getConditions(),
              Conditions.REDIS_UNAVAILABLE,
              false,
              "Connected",
              ready.size() + " endpoints registered",
              generation));
      return true;
    } catch (RegistryUnavailableException e) {
      LOG.warnf("worker %s/%s: %s", ns, name, e.getMessage());
      events.warning(
          worker, Conditions.REDIS_UNAVAILABLE, "endpoint registry unreachable; pods keep serving");
      status.setEndpointSpace(space);
      status.setConditions(
          Conditions.set(
              status.getConditions(),
              Conditions.REDIS_UNAVAILABLE,
              true,
              Conditions.REDIS_UNAVAILABLE,
              "endpoint registry unreachable; pods keep serving, retrying",
              generation));
      return false;
    }
  }

  private static Endpoint endpoint(GlobalFuncWorker worker, Pod pod, ReleaseView release) {
    boolean hostPort = Boolean.TRUE.equals(worker.getSpec().getHostPort());
    String host =
        hostPort && pod.getStatus().getHostIP() != null
            ? pod.getStatus().getHostIP()
            : pod.getStatus().getPodIP();
    var annotations =
        pod.getMetadata().getAnnotations() == null
            ? Map.<String, String>of()
            : pod.getMetadata().getAnnotations();
    return new Endpoint(
        worker.getMetadata().getNamespace(),
        pod.getMetadata().getName(),
        worker.getMetadata().getName(),
        annotations.getOrDefault(Labels.IDENTITY, pod.getMetadata().getName()),
        host,
        port(pod),
        pod.getStatus().getPodIP(),
        pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
        release.name(),
        annotations.getOrDefault(Labels.COMMIT, release.commit()),
        worker.getSpec().getVersion());
  }

  private void createPod(GlobalFuncWorker worker, Pod pod, Context<GlobalFuncWorker> context) {
    try {
      context.resourceOperations().create(pod, podSource);
      events.normal(
          worker,
          "PodCreated",
          "created pod " + pod.getMetadata().getName() + " on port " + port(pod));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Already there (a cache behind the API server, or a namesake still terminating): next time.
      LOG.debugf("pod %s exists already", pod.getMetadata().getName());
    }
  }

  /** Deregisters the pod's endpoint first, so no caller is sent to a pod that is going away. */
  private void removePod(
      GlobalFuncWorker worker, String space, Pod pod, GlobalFuncWorkerStatus status, String why) {
    String registeredSpace = status.getEndpointSpace() != null ? status.getEndpointSpace() : space;
    if (registeredSpace != null) {
      try {
        registry.deregister(
            registeredSpace,
            worker.getMetadata().getNamespace(),
            worker.getMetadata().getName(),
            pod.getMetadata().getName());
      } catch (RegistryUnavailableException e) {
        // The entry expires by itself (TTL); Kubernetes remains the truth.
        LOG.warnf("could not deregister %s: %s", pod.getMetadata().getName(), e.getMessage());
      }
    }
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .delete();
    events.normal(worker, why, "deleting pod " + pod.getMetadata().getName());
  }

  /** What Kubernetes says is held in a namespace: live pods first, then workers' status.ports. */
  private Map<Integer, String> seedPorts(Context<GlobalFuncWorker> context, String namespace) {
    Map<Integer, String> seed = new HashMap<>();
    podSource
        .list(namespace)
        .forEach(
            pod -> {
              Integer port = port(pod);
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

  private void ensureService(GlobalFuncWorker worker, Context<GlobalFuncWorker> context) {
    Service desired = WorkerServiceBuilder.build(worker);
    Service live = context.getSecondaryResource(Service.class).orElse(null);
    if (!WorkerServiceBuilder.matches(live, desired)) {
      client
          .services()
          .inNamespace(worker.getMetadata().getNamespace())
          .resource(desired)
          .createOr(op -> op.update());
    }
  }

  private UpdateControl<GlobalFuncWorker> finish(
      GlobalFuncWorker worker,
      GlobalFuncWorkerStatus before,
      GlobalFuncWorkerStatus after,
      Duration again) {
    UpdateControl<GlobalFuncWorker> control;
    if (Serialization.asJson(before).equals(Serialization.asJson(after))) {
      control = UpdateControl.noUpdate();
    } else {
      GlobalFuncWorker patch = new GlobalFuncWorker();
      patch.setMetadata(worker.getMetadata());
      patch.setSpec(worker.getSpec());
      patch.setStatus(after);
      control = UpdateControl.patchStatus(patch);
    }
    return again == null ? control : control.rescheduleAfter(again);
  }

  private static Map<Integer, Pod> podsByPort(Set<Pod> pods) {
    Map<Integer, Pod> byPort = new HashMap<>();
    for (Pod pod : pods) {
      Integer port = port(pod);
      if (port != null) {
        byPort.merge(port, pod, (a, b) -> a.getMetadata().getCreationTimestamp() == null ? b : a);
      }
    }
    return byPort;
  }

  static Integer port(Pod pod) {
    try {
      return Integer.valueOf(pod.getMetadata().getLabels().get(Labels.PORT));
    } catch (RuntimeException e) {
      return null;
    }
  }

  static boolean ready(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus() != null
        && pod.getStatus().getPodIP() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static boolean failed(Pod pod) {
    return pod.getStatus() != null
        && ("Failed".equals(pod.getStatus().getPhase())
            || "Succeeded".equals(pod.getStatus().getPhase()));
  }

  private static String hash(Pod pod) {
    var a = pod.getMetadata().getAnnotations();
    return a == null ? "" : a.getOrDefault(Labels.SPEC_HASH, "");
  }

  private static String shortCommit(String commit) {
    return commit.length() > 12 ? commit.substring(0, 12) : commit;
  }

  private static String releaseKey(String namespace, String release) {
    return namespace + "/" + release;
  }

  private static GlobalFuncWorkerStatus copy(GlobalFuncWorkerStatus status) {
    return status == null ? new GlobalFuncWorkerStatus() : Serialization.clone(status);
  }

  private static void setReady(
      GlobalFuncWorkerStatus s, boolean v, String reason, String msg, long gen) {
    s.setConditions(Conditions.set(s.getConditions(), Conditions.READY, v, reason, msg, gen));
  }

  private static void setProgressing(
      GlobalFuncWorkerStatus s, boolean v, String reason, String msg, long gen) {
    s.setConditions(Conditions.set(s.getConditions(), Conditions.PROGRESSING, v, reason, msg, gen));
  }

  private static void setDegraded(
      GlobalFuncWorkerStatus s, boolean v, String reason, String msg, long gen) {
    s.setConditions(Conditions.set(s.getConditions(), Conditions.DEGRADED, v, reason, msg, gen));
  }
}
