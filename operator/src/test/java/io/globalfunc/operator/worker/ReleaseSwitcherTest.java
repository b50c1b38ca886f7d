package io.globalfunc.operator.worker;

import static io.globalfunc.operator.worker.RolloutPlannerTest.desired;
import static io.globalfunc.operator.worker.RolloutPlannerTest.live;
import static io.globalfunc.operator.worker.RolloutPlannerTest.lives;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.globalfunc.operator.common.Labels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleaseSwitcherTest {

  static final ReleaseView AT_A = RolloutPlannerTest.OLD;
  static final String A = AT_A.commit();
  static final String B = "b".repeat(40);

  /** A pod of the current template that records {@code commit}. */
  static Pod serving(String commit, int port, boolean ready) {
    Pod pod = live(AT_A, port, ready);
    return new PodBuilder(pod)
        .editMetadata()
        .addToAnnotations(Labels.COMMIT, commit)
        .endMetadata()
        .build();
  }

  static List<Integer> ports(ReleaseSwitcher.Plan plan) {
    return plan.switchNow().stream().map(GlobalFuncWorkerReconciler::port).toList();
  }

  @Test
  void aNewCommitSwitchesEveryReadyUpToDatePodAtOnce() {
    var plan =
        ReleaseSwitcher.plan(
            B,
            desired(AT_A, 1, 2, 3),
            lives(serving(A, 1, true), serving(A, 2, true), serving(A, 3, true)));
    assertThat(ports(plan)).containsExactly(1, 2, 3);
    assertThat(plan.serving()).isEqualTo(Map.of(A, 3));
    assertThat(plan.allServe(B)).isFalse();
  }

  @Test
  void podsAlreadyThereOrNotReadyOrTerminatingAreNotAsked() {
    Pod terminating =
        new PodBuilder(serving(A, 4, true))
            .editMetadata()
            .withDeletionTimestamp("2026-01-01T00:00:00Z")
            .endMetadata()
            .build();
    var plan =
        ReleaseSwitcher.plan(
            B,
            desired(AT_A, 1, 2, 3, 4),
            lives(serving(B, 1, true), serving(A, 2, false), serving(A, 3, true), terminating));
    assertThat(ports(plan)).containsExactly(3);
    assertThat(plan.serving()).isEqualTo(Map.of(B, 1, A, 2));
  }

  @Test
  void aPodWhoseTemplateChangedIsLeftToTheRollout() {
    // desired at NEW differs in the template: the rollout recreates that pod at the new commit.
    var plan =
        ReleaseSwitcher.plan(
            B,
            desired(RolloutPlannerTest.NEW, 1, 2),
            lives(serving(A, 1, true), serving(A, 2, true)));
    assertThat(plan.switchNow()).isEmpty();
    var scaledDown =
        ReleaseSwitcher.plan(B, desired(AT_A, 1), lives(serving(A, 1, true), serving(A, 2, true)));
    assertThat(ports(scaledDown)).containsExactly(1);
  }

  @Test
  void whenEveryPodServesTheCommitNothingIsAsked() {
    var plan =
        ReleaseSwitcher.plan(
            B, desired(AT_A, 1, 2), lives(serving(B, 1, true), serving(B, 2, true)));
    assertThat(plan.switchNow()).isEmpty();
    assertThat(plan.allServe(B)).isTrue();
    assertThat(ReleaseSwitcher.served(serving(B, 1, true))).isEqualTo(B);
  }
}
