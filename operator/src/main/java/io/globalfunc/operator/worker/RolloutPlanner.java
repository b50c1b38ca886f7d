package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.Pod;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.common.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides what one reconcile of a worker does, from its desired pods and its live pods, both keyed
 * by port. Pure, so the rollout rules are unit-tested without a cluster:
 *
 * <ul>
 *   <li>a live pod on a port no longer wanted goes ({@code ScaledDown});
 *   <li>a failed pod goes ({@code PodFailed}) and comes back on its port next time;
 *   <li>a missing pod is created;
 *   <li>outdated pods (spec hash differs) are replaced one at a time: one that is not Ready anyway
 *       may go at once (it costs no capacity), a Ready one only while every replica is available.
 * </ul>
 */
public final class RolloutPlanner {

  /** A pod to deregister and delete, and why (the Event reason). */
  public record Removal(Pod pod, Reason cause) {

    /** The Event reason as Kubernetes spells it. */
    public String reason() {
      return cause.label();
    }
  }

  /**
   * @param create pods to create
   * @param remove pods to deregister and delete
   * @param outdated how many live pods do not match the desired spec
   * @param rolledOut true when every desired pod exists, is Ready and is up to date
   */
  public record Plan(List<Pod> create, List<Removal> remove, int outdated, boolean rolledOut) {}

  private RolloutPlanner() {}

  /** The plan for {@code desired} (port → desired pod) given {@code live} (port → live pod). */
  public static Plan plan(Map<Integer, Pod> desired, Map<Integer, Pod> live) {
    List<Pod> create = new ArrayList<>();
    List<Removal> remove = new ArrayList<>();
    live.forEach(
        (port, pod) -> {
          if (!desired.containsKey(port) && !terminating(pod)) {
            remove.add(new Removal(pod, Reason.SCALED_DOWN));
          }
        });
    desired.forEach(
        (port, pod) -> {
          Pod current = live.get(port);
          if (current == null) {
            create.add(pod);
          } else if (failed(current) && !terminating(current)) {
            remove.add(new Removal(current, Reason.POD_FAILED));
          }
        });

    List<Pod> outdated =
        desired.entrySet().stream()
            .filter(e -> live.containsKey(e.getKey()))
            .filter(e -> !failed(live.get(e.getKey())))
            .filter(e -> !hash(live.get(e.getKey())).equals(hash(e.getValue())))
            .map(e -> live.get(e.getKey()))
            .collect(Collectors.toList());
    boolean allAvailable =
        create.isEmpty()
            && remove.isEmpty()
            && desired.keySet().stream().allMatch(p -> available(live.get(p)))
            && live.values().stream().noneMatch(RolloutPlanner::terminating);
    List<Pod> candidates = outdated.stream().filter(p -> !terminating(p)).toList();
    Optional<Pod> victim =
        candidates.stream()
            .filter(p -> !GlobalFuncWorkerReconciler.ready(p))
            .findFirst()
            .or(() -> allAvailable ? candidates.stream().findFirst() : Optional.empty());
    victim.ifPresent(p -> remove.add(new Removal(p, Reason.REPLACING)));

    boolean rolledOut = outdated.isEmpty() && allAvailable;
    return new Plan(List.copyOf(create), List.copyOf(remove), outdated.size(), rolledOut);
  }

  private static boolean available(Pod pod) {
    return pod != null && GlobalFuncWorkerReconciler.ready(pod);
  }

  static boolean terminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  static boolean failed(Pod pod) {
    return pod.getStatus() != null
        && ("Failed".equals(pod.getStatus().getPhase())
            || "Succeeded".equals(pod.getStatus().getPhase()));
  }

  private static String hash(Pod pod) {
    var a = pod.getMetadata().getAnnotations();
    return a == null ? "" : a.getOrDefault(Labels.SPEC_HASH, "");
  }
}
