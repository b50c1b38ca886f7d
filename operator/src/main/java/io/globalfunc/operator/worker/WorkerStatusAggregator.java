package io.globalfunc.operator.worker;

import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.common.Reason;
import io.globalfunc.operator.common.StatusPatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Builds a GlobalFuncWorker's status from what one reconcile observed and did. Pure (the clock is
 * passed in), so every transition a user can see — invalid spec, release not ready, ports
 * exhausted, scaling, replacing, rolled out, Redis down and back — is unit-tested. The steps are
 * called in reconcile order, which is also the order conditions first appear in.
 */
public final class WorkerStatusAggregator {

  private final GlobalFuncWorkerStatus status;
  private final long generation;
  private final Instant now;
  private String switchingMessage;

  /** Starts from a copy of {@code current} (nullable) for the spec's {@code generation}. */
  public WorkerStatusAggregator(GlobalFuncWorkerStatus current, long generation, Instant now) {
    this.status = StatusPatch.copy(current, GlobalFuncWorkerStatus::new);
    this.generation = generation;
    this.now = now;
    status.setObservedGeneration(generation);
  }

  /** What exists: the pod selector, the worker's pods and how many of them are Ready. */
  public WorkerStatusAggregator observed(String selector, int pods, int ready) {
    status.setSelector(selector);
    status.setReplicas(pods);
    status.setReadyReplicas(ready);
    return this;
  }

  /**
   * Who consumes batches on the pods, or why nobody does ({@link BatchAgentContainer#describe}).
   */
  public WorkerStatusAggregator batches(String summary) {
    status.setBatches(summary);
    return this;
  }

  /** The spec breaks a rule: nothing is changed. */
  public WorkerStatusAggregator invalidSpec(String message) {
    set(Conditions.DEGRADED, true, Reason.INVALID_SPEC, message);
    return set(Conditions.READY, false, Reason.INVALID_SPEC, message);
  }

  /** The release has no resolved commit yet: no pod can be built. */
  public WorkerStatusAggregator releaseNotReady(String release) {
    String message = "FunctionRelease " + release + " has no resolved commit yet";
    set(Conditions.READY, false, Reason.RELEASE_NOT_READY, message);
    return set(Conditions.PROGRESSING, false, Reason.RELEASE_NOT_READY, message);
  }

  /** The ports the worker keeps; {@code exhausted} when the range had fewer than replicas. */
  public WorkerStatusAggregator ports(
      List<Integer> keep, boolean exhausted, int replicas, int from, int to) {
    status.setPorts(keep);
    if (!exhausted) {
      set(
          Conditions.PORT_RANGE_EXHAUSTED,
          false,
          Reason.PORTS_ALLOCATED,
          "every replica has a port");
      return set(Conditions.DEGRADED, false, Reason.AS_EXPECTED, "");
    }
    String message = portsMessage(keep.size(), replicas, from, to);
    set(Conditions.PORT_RANGE_EXHAUSTED, true, Reason.PORT_RANGE_EXHAUSTED, message);
    return set(Conditions.DEGRADED, true, Reason.PORT_RANGE_EXHAUSTED, message);
  }

  /** The Event and condition message of an exhausted range. */
  static String portsMessage(int kept, int replicas, int from, int to) {
    return String.format("only %d of %d ports free in %d-%d", kept, replicas, from, to);
  }

  /**
   * Which commits the pods serve (commit → pods) after this reconcile's in-place switches, and the
   * switches that failed: while any pod serves another commit than the release's, the worker is
   * switching (its {@code status.commit} stays the one every pod served last). Called before {@link
   * #rollout}.
   */
  public WorkerStatusAggregator served(
      String commit, Map<String, Integer> serving, List<ReleaseSwitcher.Failure> failed) {
    int behind =
        serving.entrySet().stream()
            .filter(e -> !commit.equals(e.getKey()))
            .mapToInt(Map.Entry::getValue)
            .sum();
    if (behind == 0 && failed.isEmpty()) {
      switchingMessage = null;
      return this;
    }
    int total = serving.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder message =
        new StringBuilder()
            .append(total - behind)
            .append('/')
            .append(total)
            .append(" pods serve ")
            .append(short12(commit))
            .append(", switching in place");
    failed.forEach(f -> message.append("; ").append(f.pod()).append(": ").append(f.message()));
    switchingMessage = message.toString();
    return this;
  }

  /**
   * Where the rollout stands after this reconcile's plan: every pod serving {@code commit}, or pods
   * being created or replaced; then whether the worker is Ready.
   */
  public WorkerStatusAggregator rollout(
      boolean rolledOut, int outdated, String commit, int replicas, boolean exhausted) {
    int ready = status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
    if (rolledOut && switchingMessage == null) {
      status.setCommit(commit);
      set(Conditions.PROGRESSING, false, Reason.ROLLED_OUT, "every pod serves " + short12(commit));
    } else if (rolledOut) {
      set(Conditions.PROGRESSING, true, Reason.SWITCHING_COMMIT, switchingMessage);
    } else {
      set(
          Conditions.PROGRESSING,
          true,
          outdated == 0 ? Reason.SCALING_PODS : Reason.REPLACING_PODS,
          outdated + " pods outdated, " + ready + "/" + replicas + " ready");
    }
    boolean allReady = ready >= replicas && !exhausted;
    Reason reason =
        allReady
            ? Reason.ALL_REPLICAS_READY
            : exhausted ? Reason.PORT_RANGE_EXHAUSTED : Reason.REPLICAS_NOT_READY;
    return set(Conditions.READY, allReady, reason, ready + "/" + replicas + " pods ready");
  }

  /**
   * The API server refused to create pods (admission: Pod Security, a missing ServiceAccount, a
   * quota): the worker is Degraded and not Ready, with the server's own words.
   */
  public WorkerStatusAggregator podsRefused(String message) {
    set(Conditions.DEGRADED, true, Reason.POD_CREATE_REFUSED, message);
    return set(Conditions.READY, false, Reason.POD_CREATE_REFUSED, message);
  }

  /** The Ready pods as callers reach them, sorted by port. */
  public WorkerStatusAggregator endpoints(List<GlobalFuncWorkerStatus.Endpoint> endpoints) {
    status.setEndpoints(endpoints);
    return this;
  }

  /** Redis now holds exactly {@code count} endpoints of the worker under {@code space}. */
  public WorkerStatusAggregator registered(String space, int count) {
    status.setEndpointSpace(space);
    return set(
        Conditions.REDIS_UNAVAILABLE, false, Reason.CONNECTED, count + " endpoints registered");
  }

  /** The registry could not be written; pods keep serving and the operator retries. */
  public WorkerStatusAggregator registryUnavailable(String space) {
    status.setEndpointSpace(space);
    return set(
        Conditions.REDIS_UNAVAILABLE,
        true,
        Reason.REDIS_UNAVAILABLE,
        "endpoint registry unreachable; pods keep serving, retrying");
  }

  /**
   * The kstatus conditions, mirrored from ours so Flux and other kstatus readers understand the
   * worker: Reconciling while pods are created or replaced (Progressing), Stalled while the
   * operator cannot proceed without a change by the user (Degraded). Called last.
   */
  public WorkerStatusAggregator kstatus() {
    mirror(Conditions.PROGRESSING, Conditions.RECONCILING);
    return mirror(Conditions.DEGRADED, Conditions.STALLED);
  }

  private WorkerStatusAggregator mirror(String from, String to) {
    Conditions.get(status.getConditions(), from)
        .ifPresent(
            c -> set(to, "True".equals(c.getStatus()), Reason.of(c.getReason()), c.getMessage()));
    return this;
  }

  /** The status as built so far (read by the steps that need held ports or the space). */
  public GlobalFuncWorkerStatus build() {
    return status;
  }

  private WorkerStatusAggregator set(String type, boolean value, Reason reason, String message) {
    status.setConditions(
        Conditions.set(status.getConditions(), type, value, reason, message, generation, now));
    return this;
  }

  private static String short12(String commit) {
    return commit.length() > 12 ? commit.substring(0, 12) : commit;
  }
}
