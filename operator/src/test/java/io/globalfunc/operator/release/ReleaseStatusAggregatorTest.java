package io.globalfunc.operator.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.common.Reason;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every FunctionRelease status transition a user can see, and when the operator looks again. */
class ReleaseStatusAggregatorTest {

  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  static final Duration POLL = Duration.ofMinutes(5);

  static ReleaseStatusAggregator at(FunctionReleaseStatus current, Instant now) {
    return new ReleaseStatusAggregator(current, 3, now);
  }

  static Condition condition(FunctionReleaseStatus s, String type) {
    return Conditions.get(s.getConditions(), type).orElseThrow();
  }

  @Test
  void aFirstResolveReportsTheCommitAndIsReady() {
    ReleaseStatusAggregator a = at(null, T0).resolved("master", "abc123", false, 3, 2);
    a.cataloged(2, "abc123");
    FunctionReleaseStatus s = a.build();
    assertThat(s.getCommit()).isEqualTo("abc123");
    assertThat(s.getBranch()).isEqualTo("master");
    assertThat(s.getFiles()).isEqualTo(3);
    assertThat(s.getFunctions()).isEqualTo(2);
    assertThat(s.getObservedGeneration()).isEqualTo(3);
    assertThat(s.getLastResolved()).isEqualTo("2026-01-01T10:00:00Z");
    Condition ready = condition(s, Conditions.READY);
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo("Resolved");
    assertThat(ready.getMessage()).isEqualTo("master at abc123");
    assertThat(ready.getObservedGeneration()).isEqualTo(3);
    assertThat(condition(s, Conditions.CATALOGED).getReason()).isEqualTo("Saved");
    assertThat(condition(s, Conditions.CATALOGED).getMessage())
        .isEqualTo("2 functions saved at abc123");
    assertThat(a.commitMoved()).isTrue();
    assertThat(a.next(false, POLL)).isEqualTo(POLL);
    assertThat(a.next(true, POLL)).isNull();
  }

  @Test
  void aReleaseOfAnotherRepositoryIsRefusedWholeAndKeepsTheLastGoodCommit() {
    FunctionReleaseStatus good =
        at(null, T0).resolved("master", "abc123", false, 3, 2).cataloged(2, "abc123").build();
    ReleaseStatusAggregator a =
        at(good, T0.plusSeconds(60))
            .repositoryConflict("space sp_GlobalFunc belongs to another repository")
            .kstatus();
    FunctionReleaseStatus s = a.build();
    assertThat(s.getCommit()).isEqualTo("abc123");
    assertThat(a.commitMoved()).isFalse();
    for (String type : new String[] {Conditions.READY, Conditions.CATALOGED}) {
      Condition c = condition(s, type);
      assertThat(c.getStatus()).as(type).isEqualTo("False");
      assertThat(c.getReason()).as(type).isEqualTo("RepositoryConflict");
      assertThat(c.getMessage()).as(type).contains("belongs to another repository");
    }
    assertThat(condition(s, Conditions.STALLED).getStatus()).isEqualTo("True");
    assertThat(condition(s, Conditions.STALLED).getReason()).isEqualTo("RepositoryConflict");
    // Retried with back-off (the other repository's claim may be cleared), never polled as good.
    assertThat(a.next(false, POLL)).isEqualTo(ReleaseStatusAggregator.FIRST_RETRY);
  }

  @Test
  void kstatusStalledIsTheOppositeOfReady() {
    FunctionReleaseStatus good =
        at(null, T0).resolved("master", "abc123", false, 3, 2).kstatus().build();
    assertThat(condition(good, Conditions.STALLED).getStatus()).isEqualTo("False");
    FunctionReleaseStatus failing =
        at(good, T0.plusSeconds(60))
            .failed(Reason.BRANCH_NOT_FOUND, "no branch main")
            .kstatus()
            .build();
    Condition stalled = condition(failing, Conditions.STALLED);
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo("BranchNotFound");
    assertThat(stalled.getMessage()).isEqualTo("no branch main");
    assertThat(condition(failing, Conditions.RECONCILING).getStatus()).isEqualTo("False");
  }

  @Test
  void aGitServerOutOfReachIsRetriedNotStalled() {
    FunctionReleaseStatus good =
        at(null, T0).resolved("master", "abc123", false, 3, 2).kstatus().build();
    FunctionReleaseStatus unreachable =
        at(good, T0.plusSeconds(60))
            .failed(Reason.REPOSITORY_UNREACHABLE, "connection refused")
            .kstatus()
            .build();
    assertThat(condition(unreachable, Conditions.READY).getStatus()).isEqualTo("False");
    assertThat(condition(unreachable, Conditions.STALLED).getStatus()).isEqualTo("False");
    Condition reconciling = condition(unreachable, Conditions.RECONCILING);
    assertThat(reconciling.getStatus()).isEqualTo("True");
    assertThat(reconciling.getReason()).isEqualTo("RepositoryUnreachable");
    assertThat(reconciling.getMessage()).isEqualTo("retrying: connection refused");
    assertThat(unreachable.getCommit()).as("the last good commit stays").isEqualTo("abc123");
    FunctionReleaseStatus back =
        at(unreachable, T0.plusSeconds(90))
            .resolved("master", "abc123", false, 3, 2)
            .kstatus()
            .build();
    assertThat(condition(back, Conditions.RECONCILING).getStatus()).isEqualTo("False");
  }

  @Test
  void aPinnedCommitSaysSo() {
    FunctionReleaseStatus s = at(null, T0).resolved("master", "abc123", true, 1, 1).build();
    assertThat(condition(s, Conditions.READY).getMessage()).isEqualTo("pinned commit abc123");
  }

  @Test
  void aFailureKeepsTheLastGoodCommitAndFlipsReady() {
    FunctionReleaseStatus good = at(null, T0).resolved("master", "abc123", false, 3, 2).build();
    Instant later = T0.plusSeconds(600);
    ReleaseStatusAggregator a =
        at(good, later).failed(Reason.BRANCH_NOT_FOUND, "branch master not found");
    FunctionReleaseStatus s = a.build();
    assertThat(s.getCommit()).isEqualTo("abc123");
    Condition ready = condition(s, Conditions.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("BranchNotFound");
    assertThat(ready.getLastTransitionTime()).isEqualTo(later.toString());
    assertThat(a.commitMoved()).isFalse();
    assertThat(a.next(false, POLL)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void theSameFailureAgainChangesNothingSoNothingIsPatched() {
    FunctionReleaseStatus failing =
        at(null, T0).failed(Reason.REPOSITORY_UNREACHABLE, "cannot reach").build();
    FunctionReleaseStatus again =
        at(failing, T0.plusSeconds(5))
            .failed(Reason.REPOSITORY_UNREACHABLE, "cannot reach")
            .build();
    assertThat(Serialization.asJson(again)).isEqualTo(Serialization.asJson(failing));
  }

  @Test
  void failuresBackOffFromTheConditionsTransitionTimeUpToFiveMinutes() {
    FunctionReleaseStatus failing = at(null, T0).failed(Reason.FETCH_FAILED, "io").build();
    assertThat(at(failing, T0).failed(Reason.FETCH_FAILED, "io").next(false, POLL))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(at(failing, T0.plusSeconds(5)).failed(Reason.FETCH_FAILED, "io").next(false, POLL))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(at(failing, T0.plusSeconds(10)).failed(Reason.FETCH_FAILED, "io").next(false, POLL))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(at(failing, T0.plusSeconds(20)).failed(Reason.FETCH_FAILED, "io").next(false, POLL))
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(at(failing, T0.plusSeconds(3600)).failed(Reason.FETCH_FAILED, "io").next(true, POLL))
        .isEqualTo(ReleaseStatusAggregator.MAX_RETRY);
  }

  @Test
  void anInvalidSpecWaitsForAnEdit() {
    ReleaseStatusAggregator a = at(null, T0).invalidSpec("spec.branch is required");
    Condition ready = condition(a.build(), Conditions.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).isEqualTo("spec.branch is required");
    assertThat(a.next(false, POLL)).isNull();
  }

  @Test
  void recoveringFlipsReadyBackWithANewTransitionTime() {
    FunctionReleaseStatus failing =
        at(null, T0).failed(Reason.AUTHENTICATION_FAILED, "401").build();
    Instant later = T0.plusSeconds(60);
    FunctionReleaseStatus s = at(failing, later).resolved("master", "def456", false, 1, 1).build();
    Condition ready = condition(s, Conditions.READY);
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getLastTransitionTime()).isEqualTo(later.toString());
  }

  @Test
  void aCatalogFailureKeepsReadyAndBacksOff() {
    FunctionReleaseStatus good = at(null, T0).resolved("master", "abc", false, 1, 1).build();
    ReleaseStatusAggregator a =
        at(good, T0.plusSeconds(30))
            .resolved("master", "abc", false, 1, 1)
            .catalogUnavailable("MongoTimeoutException");
    FunctionReleaseStatus s = a.build();
    assertThat(condition(s, Conditions.READY).getStatus()).isEqualTo("True");
    Condition cataloged = condition(s, Conditions.CATALOGED);
    assertThat(cataloged.getStatus()).isEqualTo("False");
    assertThat(cataloged.getReason()).isEqualTo("CatalogUnavailable");
    assertThat(cataloged.getMessage()).isEqualTo("catalog write failed: MongoTimeoutException");
    assertThat(a.next(true, POLL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(a.commitMoved()).isFalse();
  }

  @Test
  void aDisabledCatalogIsReportedAndPollingGoesOn() {
    ReleaseStatusAggregator a =
        at(null, T0).resolved("master", "abc", false, 1, 1).catalogDisabled();
    Condition cataloged = condition(a.build(), Conditions.CATALOGED);
    assertThat(cataloged.getStatus()).isEqualTo("False");
    assertThat(cataloged.getReason()).isEqualTo("CatalogDisabled");
    assertThat(a.next(false, POLL)).isEqualTo(POLL);
  }
}
