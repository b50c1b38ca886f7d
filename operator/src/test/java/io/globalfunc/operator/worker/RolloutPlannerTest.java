package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.globalfunc.operator.support.Manifests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutPlannerTest {

  static final ReleaseView OLD = release("a");
  static final ReleaseView NEW = release("b");

  /** OLD and NEW differ in the pod template (the repository); a commit alone would not. */
  static ReleaseView release(String c) {
    return new ReleaseView(
        "lib",
        "https://git.example.com/" + c + ".git",
        null,
        "master",
        c.repeat(40),
        "sp_GlobalFunc");
  }

  static GlobalFuncWorker worker() {
    GlobalFuncWorker w = Manifests.seedWorker("ns", "m7", "lib", 3);
    w.getMetadata().setUid("u");
    return w;
  }

  static Map<Integer, Pod> desired(ReleaseView r, int... ports) {
    Map<Integer, Pod> out = new LinkedHashMap<>();
    for (int p : ports) {
      out.put(p, WorkerPodBuilder.build(worker(), r, p));
    }
    return out;
  }

  static Pod live(ReleaseView r, int port, boolean ready) {
    Pod pod = WorkerPodBuilder.build(worker(), r, port);
    return new PodBuilder(pod)
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("10.0.0." + (port % 200))
        .withConditions(
            new PodConditionBuilder()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .build())
        .endStatus()
        .build();
  }

  static Map<Integer, Pod> lives(Pod... pods) {
    Map<Integer, Pod> out = new LinkedHashMap<>();
    for (Pod p : pods) {
      out.put(GlobalFuncWorkerReconciler.port(p), p);
    }
    return out;
  }

  static List<String> reasons(RolloutPlanner.Plan plan) {
    return plan.remove().stream().map(RolloutPlanner.Removal::reason).toList();
  }

  @Test
  void createsMissingPodsAndIsRolledOutOnlyWhenAllAreReady() {
    var plan = RolloutPlanner.plan(desired(OLD, 1, 2, 3), lives(live(OLD, 1, true)));
    assertThat(plan.create()).extracting(GlobalFuncWorkerReconciler::port).containsExactly(2, 3);
    assertThat(plan.remove()).isEmpty();
    assertThat(plan.rolledOut()).isFalse();
    var done =
        RolloutPlanner.plan(desired(OLD, 1, 2), lives(live(OLD, 1, true), live(OLD, 2, true)));
    assertThat(done.create()).isEmpty();
    assertThat(done.remove()).isEmpty();
    assertThat(done.rolledOut()).isTrue();
  }

  @Test
  void replacesExactlyOneReadyOutdatedPodWhileAllAreAvailable() {
    var plan =
        RolloutPlanner.plan(
            desired(NEW, 1, 2, 3),
            lives(live(OLD, 1, true), live(OLD, 2, true), live(OLD, 3, true)));
    assertThat(reasons(plan)).containsExactly("Replacing");
    assertThat(plan.outdated()).isEqualTo(3);
    assertThat(plan.rolledOut()).isFalse();
  }

  @Test
  void waitsWhileAReplicaIsMissingOrNotReady() {
    var missing =
        RolloutPlanner.plan(desired(NEW, 1, 2, 3), lives(live(NEW, 1, true), live(OLD, 3, true)));
    assertThat(missing.create()).extracting(GlobalFuncWorkerReconciler::port).containsExactly(2);
    assertThat(missing.remove()).isEmpty();
    var starting =
        RolloutPlanner.plan(
            desired(NEW, 1, 2, 3),
            lives(live(NEW, 1, true), live(NEW, 2, false), live(OLD, 3, true)));
    assertThat(starting.remove()).isEmpty();
    assertThat(starting.create()).isEmpty();
  }

  @Test
  void anOutdatedPodThatIsNotReadyAnywayIsReplacedAtOnce() {
    var plan =
        RolloutPlanner.plan(desired(NEW, 1, 2), lives(live(NEW, 1, false), live(OLD, 2, false)));
    assertThat(plan.remove())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo("Replacing");
              assertThat(GlobalFuncWorkerReconciler.port(r.pod())).isEqualTo(2);
            });
  }

  @Test
  void scaleDownAndFailedPods() {
    Pod failed =
        new PodBuilder(live(OLD, 2, false)).editStatus().withPhase("Failed").endStatus().build();
    var plan =
        RolloutPlanner.plan(
            desired(OLD, 1, 2), lives(live(OLD, 1, true), failed, live(OLD, 3, true)));
    assertThat(reasons(plan)).containsExactlyInAnyOrder("ScaledDown", "PodFailed");
    assertThat(plan.create()).isEmpty();
  }

  @Test
  void aTerminatingPodIsNeitherRecreatedNorDeletedAgain() {
    Pod going =
        new PodBuilder(live(OLD, 2, true))
            .editMetadata()
            .withDeletionTimestamp("2026-01-01T00:00:00Z")
            .endMetadata()
            .build();
    var plan = RolloutPlanner.plan(desired(NEW, 1, 2), lives(live(NEW, 1, true), going));
    assertThat(plan.create()).isEmpty();
    assertThat(plan.remove()).isEmpty();
    assertThat(plan.rolledOut()).isFalse();
  }
}
