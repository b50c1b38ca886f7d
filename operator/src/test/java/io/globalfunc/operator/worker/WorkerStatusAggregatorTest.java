package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.globalfunc.operator.common.Conditions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every GlobalFuncWorker status transition a user can see, without a cluster. */
class WorkerStatusAggregatorTest {

  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  static final String COMMIT = "0123456789abcdef0123";

  static WorkerStatusAggregator at(GlobalFuncWorkerStatus current, int pods, int ready) {
    return at(current, pods, ready, T0);
  }

  static WorkerStatusAggregator at(
      GlobalFuncWorkerStatus current, int pods, int ready, Instant now) {
    return new WorkerStatusAggregator(current, 2, now).observed("sel", pods, ready);
  }

  static String status(GlobalFuncWorkerStatus s, String type) {
    return Conditions.get(s.getConditions(), type).map(Condition::getStatus).orElse(null);
  }

  static String reason(GlobalFuncWorkerStatus s, String type) {
    return Conditions.reason(s.getConditions(), type);
  }

  static String message(GlobalFuncWorkerStatus s, String type) {
    return Conditions.get(s.getConditions(), type).orElseThrow().getMessage();
  }

  /** A normal reconcile: ports, rollout, endpoints, in reconcile order. */
  static GlobalFuncWorkerStatus reconciled(
      GlobalFuncWorkerStatus current, int pods, int ready, boolean rolledOut, int outdated) {
    return at(current, pods, ready)
        .ports(List.of(26000, 26001, 26002), false, 3, 26000, 27000)
        .rollout(rolledOut, outdated, COMMIT, 3, false)
        .registered("sp", ready)
        .build();
  }

  @Test
  void kstatusReconcilingFollowsProgressingAndStalledFollowsDegraded() {
    GlobalFuncWorkerStatus scaling =
        at(null, 1, 0)
            .ports(List.of(26000, 26001, 26002), false, 3, 26000, 27000)
            .rollout(false, 0, COMMIT, 3, false)
            .kstatus()
            .build();
    assertThat(status(scaling, Conditions.RECONCILING)).isEqualTo("True");
    assertThat(reason(scaling, Conditions.RECONCILING)).isEqualTo("ScalingPods");
    assertThat(status(scaling, Conditions.STALLED)).isEqualTo("False");

    GlobalFuncWorkerStatus refused =
        at(scaling, 1, 0)
            .ports(List.of(26000, 26001, 26002), false, 3, 26000, 27000)
            .rollout(false, 0, COMMIT, 3, false)
            .podsRefused("pods \"x\" is forbidden: exceeded quota")
            .kstatus()
            .build();
    assertThat(status(refused, Conditions.STALLED)).isEqualTo("True");
    assertThat(reason(refused, Conditions.STALLED)).isEqualTo("PodCreateRefused");
    assertThat(message(refused, Conditions.STALLED)).contains("exceeded quota");
    assertThat(reason(refused, Conditions.READY)).isEqualTo("PodCreateRefused");

    GlobalFuncWorkerStatus done =
        at(refused, 3, 3)
            .ports(List.of(26000, 26001, 26002), false, 3, 26000, 27000)
            .rollout(true, 0, COMMIT, 3, false)
            .kstatus()
            .build();
    assertThat(status(done, Conditions.RECONCILING)).isEqualTo("False");
    assertThat(status(done, Conditions.STALLED)).isEqualTo("False");
    assertThat(status(done, Conditions.READY)).isEqualTo("True");
  }

  @Test
  void observesPodsAndGeneration() {
    GlobalFuncWorkerStatus s = at(null, 3, 1).build();
    assertThat(s.getSelector()).isEqualTo("sel");
    assertThat(s.getReplicas()).isEqualTo(3);
    assertThat(s.getReadyReplicas()).isEqualTo(1);
    assertThat(s.getObservedGeneration()).isEqualTo(2);
  }

  @Test
  void anInvalidSpecIsDegradedAndNotReady() {
    GlobalFuncWorkerStatus s = at(null, 0, 0).invalidSpec("spec.image is required").build();
    assertThat(status(s, Conditions.DEGRADED)).isEqualTo("True");
    assertThat(reason(s, Conditions.DEGRADED)).isEqualTo("InvalidSpec");
    assertThat(status(s, Conditions.READY)).isEqualTo("False");
    assertThat(reason(s, Conditions.READY)).isEqualTo("InvalidSpec");
    assertThat(message(s, Conditions.READY)).isEqualTo("spec.image is required");
  }

  @Test
  void aReleaseWithoutACommitIsNotReadyAndNotProgressing() {
    GlobalFuncWorkerStatus s = at(null, 0, 0).releaseNotReady("lib").build();
    assertThat(reason(s, Conditions.READY)).isEqualTo("ReleaseNotReady");
    assertThat(status(s, Conditions.PROGRESSING)).isEqualTo("False");
    assertThat(reason(s, Conditions.PROGRESSING)).isEqualTo("ReleaseNotReady");
    assertThat(message(s, Conditions.READY))
        .isEqualTo("FunctionRelease lib has no resolved commit yet");
  }

  @Test
  void newPodsAreScalingThenRolledOutAndReady() {
    GlobalFuncWorkerStatus scaling = reconciled(null, 1, 0, false, 0);
    assertThat(scaling.getPorts()).containsExactly(26000, 26001, 26002);
    assertThat(status(scaling, Conditions.PROGRESSING)).isEqualTo("True");
    assertThat(reason(scaling, Conditions.PROGRESSING)).isEqualTo("ScalingPods");
    assertThat(message(scaling, Conditions.PROGRESSING)).isEqualTo("0 pods outdated, 0/3 ready");
    assertThat(reason(scaling, Conditions.READY)).isEqualTo("ReplicasNotReady");
    assertThat(message(scaling, Conditions.READY)).isEqualTo("0/3 pods ready");
    assertThat(reason(scaling, Conditions.PORT_RANGE_EXHAUSTED)).isEqualTo("PortsAllocated");
    assertThat(status(scaling, Conditions.DEGRADED)).isEqualTo("False");
    assertThat(reason(scaling, Conditions.DEGRADED)).isEqualTo("AsExpected");
    assertThat(scaling.getCommit()).isNull();
    // Conditions appear in reconcile order, as kubectl describe lists them.
    assertThat(scaling.getConditions())
        .extracting(Condition::getType)
        .containsExactly(
            "PortRangeExhausted", "Degraded", "Progressing", "Ready", "RedisUnavailable");

    GlobalFuncWorkerStatus done = reconciled(scaling, 3, 3, true, 0);
    assertThat(done.getCommit()).isEqualTo(COMMIT);
    assertThat(status(done, Conditions.PROGRESSING)).isEqualTo("False");
    assertThat(reason(done, Conditions.PROGRESSING)).isEqualTo("RolledOut");
    assertThat(message(done, Conditions.PROGRESSING)).isEqualTo("every pod serves 0123456789ab");
    assertThat(status(done, Conditions.READY)).isEqualTo("True");
    assertThat(reason(done, Conditions.READY)).isEqualTo("AllReplicasReady");
  }

  @Test
  void aNewCommitIsReplacingAndKeepsTheOldCommitUntilRolledOut() {
    GlobalFuncWorkerStatus done = reconciled(null, 3, 3, true, 0);
    done.setCommit("old");
    GlobalFuncWorkerStatus replacing = reconciled(done, 3, 2, false, 2);
    assertThat(reason(replacing, Conditions.PROGRESSING)).isEqualTo("ReplacingPods");
    assertThat(message(replacing, Conditions.PROGRESSING)).isEqualTo("2 pods outdated, 2/3 ready");
    assertThat(replacing.getCommit()).isEqualTo("old");
  }

  @Test
  void aCommitSwitchedInPlaceIsSwitchingUntilEveryPodServesItThenRolledOut() {
    GlobalFuncWorkerStatus done = reconciled(null, 3, 3, true, 0);
    done.setCommit("old");
    GlobalFuncWorkerStatus switching =
        at(done, 3, 3)
            .ports(List.of(26000, 26001, 26002), false, 3, 26000, 27000)
            .served(
                COMMIT,
                Map.of(COMMIT, 2, "old", 1),
                List.of(new ReleaseSwitcher.Failure("m7-c", "the runtime answered 503: busy")))
            .rollout(true, 0, COMMIT, 3, false)
            .build();
    assertThat(status(switching, Conditions.PROGRESSING)).isEqualTo("True");
    assertThat(reason(switching, Conditions.PROGRESSING)).isEqualTo("SwitchingCommit");
    assertThat(message(switching, Conditions.PROGRESSING))
        .startsWith("2/3 pods serve ")
        .contains("switching in place", "m7-c: the runtime answered 503: busy");
    assertThat(switching.getCommit()).as("not every pod serves it yet").isEqualTo("old");
    assertThat(status(switching, Conditions.READY)).isEqualTo("True");

    GlobalFuncWorkerStatus served =
        at(switching, 3, 3)
            .ports(List.of(26000, 26001, 26002), false, 3, 26000, 27000)
            .served(COMMIT, Map.of(COMMIT, 3), List.of())
            .rollout(true, 0, COMMIT, 3, false)
            .build();
    assertThat(reason(served, Conditions.PROGRESSING)).isEqualTo("RolledOut");
    assertThat(served.getCommit()).isEqualTo(COMMIT);
  }

  @Test
  void anExhaustedRangeIsDegradedAndNotReadyEvenWithEveryPodReady() {
    GlobalFuncWorkerStatus s =
        at(null, 2, 2)
            .ports(List.of(26000, 26001), true, 3, 26000, 26001)
            .rollout(true, 0, COMMIT, 3, true)
            .build();
    assertThat(status(s, Conditions.PORT_RANGE_EXHAUSTED)).isEqualTo("True");
    assertThat(message(s, Conditions.PORT_RANGE_EXHAUSTED))
        .isEqualTo("only 2 of 3 ports free in 26000-26001");
    assertThat(status(s, Conditions.DEGRADED)).isEqualTo("True");
    assertThat(reason(s, Conditions.DEGRADED)).isEqualTo("PortRangeExhausted");
    assertThat(status(s, Conditions.READY)).isEqualTo("False");
    assertThat(reason(s, Conditions.READY)).isEqualTo("PortRangeExhausted");
  }

  @Test
  void redisDownIsReportedAndClearsItself() {
    GlobalFuncWorkerStatus up = reconciled(null, 3, 3, true, 0);
    assertThat(status(up, Conditions.REDIS_UNAVAILABLE)).isEqualTo("False");
    assertThat(reason(up, Conditions.REDIS_UNAVAILABLE)).isEqualTo("Connected");
    assertThat(message(up, Conditions.REDIS_UNAVAILABLE)).isEqualTo("3 endpoints registered");
    assertThat(up.getEndpointSpace()).isEqualTo("sp");

    Instant later = T0.plusSeconds(40);
    GlobalFuncWorkerStatus down = at(up, 3, 3, later).registryUnavailable("sp").build();
    assertThat(status(down, Conditions.REDIS_UNAVAILABLE)).isEqualTo("True");
    assertThat(reason(down, Conditions.REDIS_UNAVAILABLE)).isEqualTo("RedisUnavailable");
    assertThat(
            Conditions.get(down.getConditions(), Conditions.REDIS_UNAVAILABLE)
                .orElseThrow()
                .getLastTransitionTime())
        .isEqualTo(later.toString());

    GlobalFuncWorkerStatus back = at(down, 3, 3).registered("sp", 3).build();
    assertThat(status(back, Conditions.REDIS_UNAVAILABLE)).isEqualTo("False");
  }

  @Test
  void endpointsAreReportedAsGiven() {
    var e = new GlobalFuncWorkerStatus.Endpoint("m7-a", "m7", "10.0.0.1", 26000, "c1");
    GlobalFuncWorkerStatus s = at(null, 1, 1).endpoints(List.of(e)).build();
    assertThat(s.getEndpoints())
        .singleElement()
        .satisfies(x -> assertThat(x.getPod()).isEqualTo("m7-a"));
  }

  @Test
  void theSameStateLaterChangesNothingSoNothingIsPatched() {
    GlobalFuncWorkerStatus first = reconciled(null, 3, 3, true, 0);
    GlobalFuncWorkerStatus again =
        at(first, 3, 3, T0.plusSeconds(300))
            .ports(List.of(26000, 26001, 26002), false, 3, 26000, 27000)
            .rollout(true, 0, COMMIT, 3, false)
            .registered("sp", 3)
            .build();
    assertThat(Serialization.asJson(again)).isEqualTo(Serialization.asJson(first));
  }
}
