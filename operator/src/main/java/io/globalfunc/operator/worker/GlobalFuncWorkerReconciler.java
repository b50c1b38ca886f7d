package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.globalfunc.operator.common.ApiServer;
import io.globalfunc.operator.common.EventRecorder;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.common.Reason;
import io.globalfunc.operator.common.StatusPatch;
import io.globalfunc.operator.endpoints.EndpointRegistry;
import io.globalfunc.operator.endpoints.EndpointRegistry.RegistryUnavailableException;
import io.globalfunc.operator.release.FunctionRelease;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Reconciles a GlobalFuncWorker: validate → release → ports → service → release token → roll pods →
 * switch commits in place → endpoints → status. One Pod per port the {@link PortAllocator} gives
 * it, a Service, one-at-a-time replacement of outdated pods, and the Redis endpoint registry.
 * Deciding what to do is delegated to pure builders, planners and the {@link
 * WorkerStatusAggregator}; this class only compares and applies.
 */
@ControllerConfiguration(
    name = "globalfuncworker",
    finalizerName = GlobalFuncWorkerReconciler.FINALIZER)
public class GlobalFuncWorkerReconciler
    implements Reconciler<GlobalFuncWorker>, Cleaner<GlobalFuncWorker> {

  public static final String FINALIZER = "globalfunc.io/endpoints";
  private static final Logger LOG = Logger.getLogger(GlobalFuncWorkerReconciler.class);
  private static final Duration RELEASE_WAIT = Duration.ofSeconds(30);
  private static final Duration REDIS_RETRY = Duration.ofSeconds(5);
  private static final Duration POD_RETRY = Duration.ofSeconds(15);
  private static final Duration PAUSED = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final PortAllocator ports;
  private final WorkerEndpoints endpoints;
  private final EventRecorder events;
  private final Duration resync;
  private final BatchAgentContainer.RedisSecret batchRedis;
  private final ReleaseTokens tokens;
  private final ReleaseSwitcher switcher;
  private final BooleanSupplier mayWrite;

  private InformerEventSource<Pod, GlobalFuncWorker> podSource;

  public GlobalFuncWorkerReconciler(
      KubernetesClient client,
      PortAllocator ports,
      EndpointRegistry registry,
      EventRecorder events,
      Duration resync,
      BatchAgentContainer.RedisSecret batchRedis,
      BooleanSupplier mayWrite) {
    this.client = client;
    this.mayWrite = mayWrite;
    this.ports = ports;
    this.endpoints = new WorkerEndpoints(registry, events);
    this.events = events;
    this.resync = resync;
    this.batchRedis = batchRedis; // the pods' batch Secret unless a worker names its own
    this.tokens = new ReleaseTokens(client, events);
    this.switcher = new ReleaseSwitcher(client, events);
  }

  @Override
  public List<EventSource<?, GlobalFuncWorker>> prepareEventSources(
      EventSourceContext<GlobalFuncWorker> context) {
    podSource = WorkerEventSources.pods(context);
    return List.of(
        podSource, WorkerEventSources.services(context), WorkerEventSources.releases(context));
  }

  @Override
  public UpdateControl<GlobalFuncWorker> reconcile(
      GlobalFuncWorker worker, Context<GlobalFuncWorker> context) {
    if (!mayWrite.getAsBoolean()) {
      return keepRegistered(worker, context);
    }
    try {
      return reconcileWithServer(worker, context);
    } catch (KubernetesClientException e) {
      if (!ApiServer.unreachable(e)) {
        throw e;
      }
      LOG.infof(
          "worker %s: API server unreachable mid-reconcile: %s", name(worker), e.getMessage());
      return keepRegistered(worker, context);
    }
  }

  /** While the API server is unreachable: Redis kept equal to the cached pods, no status. */
  private UpdateControl<GlobalFuncWorker> keepRegistered(
      GlobalFuncWorker worker, Context<GlobalFuncWorker> context) {
    Map<Integer, Pod> pods = podsByPort(context.getSecondaryResources(Pod.class));
    endpoints.keep(
        worker,
        observe(worker, pods),
        pods.values(),
        ReleaseView.of(context.getSecondaryResource(FunctionRelease.class).orElse(null)));
    return UpdateControl.<GlobalFuncWorker>noUpdate().rescheduleAfter(min(resync, PAUSED));
  }

  /** validate → release → ports → service → roll pods → endpoints → status. */
  private UpdateControl<GlobalFuncWorker> reconcileWithServer(
      GlobalFuncWorker worker, Context<GlobalFuncWorker> context) {
    Map<Integer, Pod> pods = podsByPort(context.getSecondaryResources(Pod.class));
    WorkerStatusAggregator status = observe(worker, pods);
    status.batches(BatchAgentContainer.describe(worker.getSpec().getBatch(), batchRedis));
    List<String> problems = WorkerSpecValidator.problems(worker);
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      events.warning(worker, Reason.INVALID_SPEC, message);
      return finish(worker, status.invalidSpec(message), null);
    }
    ReleaseView release =
        ReleaseView.of(context.getSecondaryResource(FunctionRelease.class).orElse(null));
    if (release == null) {
      status.releaseNotReady(worker.getSpec().getRelease());
      endpoints.sync(worker, status, pods.values(), null);
      return finish(worker, status, RELEASE_WAIT);
    }
    PortAllocator.Assignment assignment = allocatePorts(worker, pods, status, context);
    ensureService(worker, context);
    String token = tokens.ensure(worker, !pods.isEmpty());
    boolean retrySoon = rollOut(worker, release, assignment, pods, status, context, token);
    boolean registered = endpoints.sync(worker, status, pods.values(), release);
    Duration again = registered ? resync : REDIS_RETRY;
    return finish(worker, status, retrySoon ? min(again, POD_RETRY) : again);
  }

  /**
   * Brings the pods to the release: replaced one at a time where their spec is outdated, switched
   * in place where only the commit moved; the status says how far it got. True when a step must be
   * retried soon (a pod the API server refused, a switch that failed).
   */
  private boolean rollOut(
      GlobalFuncWorker worker,
      ReleaseView release,
      PortAllocator.Assignment assignment,
      Map<Integer, Pod> pods,
      WorkerStatusAggregator status,
      Context<GlobalFuncWorker> context,
      String token) {
    Map<Integer, Pod> desired = desiredPods(worker, release, assignment);
    List<String> refused = new ArrayList<>();
    RolloutPlanner.Plan plan =
        rollPods(worker, release, assignment, desired, pods, status, context, refused);
    ReleaseSwitcher.Outcome switched = switcher.switchReady(worker, release, desired, pods, token);
    status.served(
        release.commit(),
        ReleaseSwitcher.plan(release.commit(), desired, pods).serving(),
        switched.failed());
    status.rollout(
        plan.rolledOut(),
        plan.outdated(),
        release.commit(),
        worker.getSpec().getReplicas(),
        assignment.exhausted());
    if (!refused.isEmpty()) {
      status.podsRefused(refused.get(0));
    }
    return !refused.isEmpty() || !switched.failed().isEmpty();
  }

  @Override
  public DeleteControl cleanup(GlobalFuncWorker worker, Context<GlobalFuncWorker> context) {
    String space = worker.getStatus() == null ? null : worker.getStatus().getEndpointSpace();
    try {
      if (space != null) {
        endpoints.removeWorker(worker, space);
      }
    } catch (RegistryUnavailableException e) {
      // Keep the finalizer: the entries must go before the worker does; retry soon.
      LOG.warnf("worker %s: %s; keeping finalizer", name(worker), e.getMessage());
      events.warning(
          worker, Reason.REDIS_UNAVAILABLE, "cannot remove endpoints: " + e.getMessage());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(REDIS_RETRY);
    }
    ports.releaseAll(worker.getMetadata().getNamespace(), worker.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  /** The status as far as the live pods tell it. */
  private static WorkerStatusAggregator observe(GlobalFuncWorker worker, Map<Integer, Pod> pods) {
    Long generation = worker.getMetadata().getGeneration();
    return new WorkerStatusAggregator(
            worker.getStatus(), generation == null ? 0 : generation, Instant.now())
        .observed(
            WorkerPodBuilder.selector(worker),
            pods.size(),
            (int) pods.values().stream().filter(GlobalFuncWorkerReconciler::ready).count());
  }

  /** Ports: the ones this worker holds (status, then live pods), topped up from the range. */
  private PortAllocator.Assignment allocatePorts(
      GlobalFuncWorker worker,
      Map<Integer, Pod> pods,
      WorkerStatusAggregator status,
      Context<GlobalFuncWorker> context) {
    GlobalFuncWorkerSpec spec = worker.getSpec();
    String ns = worker.getMetadata().getNamespace();
    List<Integer> held =
        new ArrayList<>(status.build().getPorts() == null ? List.of() : status.build().getPorts());
    pods.keySet().stream().sorted().filter(p -> !held.contains(p)).forEach(held::add);
    int from = spec.getPorts().getFrom();
    int to = spec.getPorts().getTo();
    PortAllocator.Assignment assignment =
        ports.assign(
            ns,
            worker.getMetadata().getName(),
            held,
            spec.getReplicas(),
            from,
            to,
            () -> WorkerEventSources.heldPorts(podSource, context, ns));
    if (assignment.exhausted()) {
      events.warning(
          worker,
          Reason.PORT_RANGE_EXHAUSTED,
          WorkerStatusAggregator.portsMessage(
              assignment.keep().size(), spec.getReplicas(), from, to));
    }
    status.ports(assignment.keep(), assignment.exhausted(), spec.getReplicas(), from, to);
    return assignment;
  }

  /** The pod wanted on each port the worker keeps. */
  private Map<Integer, Pod> desiredPods(
      GlobalFuncWorker worker, ReleaseView release, PortAllocator.Assignment assignment) {
    Map<Integer, Pod> desired = new LinkedHashMap<>();
    assignment
        .keep()
        .forEach(
            port -> desired.put(port, WorkerPodBuilder.build(worker, release, port, batchRedis)));
    return desired;
  }

  /**
   * Applies one step of the rollout plan: deregister and delete what goes (returning ports no
   * longer wanted), then create what is missing.
   */
  private RolloutPlanner.Plan rollPods(
      GlobalFuncWorker worker,
      ReleaseView release,
      PortAllocator.Assignment assignment,
      Map<Integer, Pod> desired,
      Map<Integer, Pod> pods,
      WorkerStatusAggregator status,
      Context<GlobalFuncWorker> context,
      List<String> refused) {
    RolloutPlanner.Plan plan = RolloutPlanner.plan(desired, pods);
    String space = status.build().getEndpointSpace();
    for (RolloutPlanner.Removal removal : plan.remove()) {
      removePod(worker, space != null ? space : release.space(), removal);
      Integer port = port(removal.pod());
      pods.remove(port);
      if (!desired.containsKey(port)) {
        releasePort(worker, port);
      }
    }
    // Surplus ports whose pods are already gone go back to the namespace.
    assignment.surplus().stream()
        .filter(p -> !pods.containsKey(p))
        .forEach(p -> releasePort(worker, p));
    plan.create().forEach(pod -> createPod(worker, pod, context).ifPresent(refused::add));
    return plan;
  }

  private void releasePort(GlobalFuncWorker worker, Integer port) {
    ports.release(worker.getMetadata().getNamespace(), worker.getMetadata().getName(), port);
  }

  /**
   * Creates one pod; returns the server's message when admission refused it (a 4xx other than a
   * conflict), which becomes a condition and an Event instead of a retry storm that ends silently.
   */
  private Optional<String> createPod(
      GlobalFuncWorker worker, Pod pod, Context<GlobalFuncWorker> context) {
    try {
      context.resourceOperations().create(pod, podSource);
      events.normal(
          worker,
          Reason.POD_CREATED,
          "created pod " + pod.getMetadata().getName() + " on port " + port(pod));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // Already there (a cache behind the API server, or a namesake still terminating).
        LOG.debugf("pod %s exists already", pod.getMetadata().getName());
      } else if (e.getCode() >= 400 && e.getCode() < 500) {
        String message =
            "pod "
                + pod.getMetadata().getName()
                + " refused by the API server: "
                + serverMessage(e);
        events.warning(worker, Reason.POD_CREATE_REFUSED, message);
        return Optional.of(message);
      } else {
        throw e;
      }
    }
    return Optional.empty();
  }

  private static String serverMessage(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Deregisters the pod's endpoint first, so no caller is sent to a pod that is going away. */
  private void removePod(GlobalFuncWorker worker, String space, RolloutPlanner.Removal removal) {
    Pod pod = removal.pod();
    endpoints.deregister(worker, space, pod);
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .delete();
    events.normal(worker, removal.cause(), "deleting pod " + pod.getMetadata().getName());
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

  private static UpdateControl<GlobalFuncWorker> finish(
      GlobalFuncWorker worker, WorkerStatusAggregator status, Duration again) {
    return StatusPatch.finish(
        worker, worker.getStatus(), status.kstatus().build(), again, GlobalFuncWorker::new);
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

  /** The port a managed pod holds (its label), or null. */
  public static Integer port(Pod pod) {
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

  private static String name(GlobalFuncWorker worker) {
    return worker.getMetadata().getNamespace() + "/" + worker.getMetadata().getName();
  }
}
