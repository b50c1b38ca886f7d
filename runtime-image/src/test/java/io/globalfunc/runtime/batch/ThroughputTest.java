package io.globalfunc.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThroughputTest {

  private static final long S = 1_000_000_000L;

  @Test
  void unknownUntilATaskCameBack() {
    Throughput t = new Throughput();
    assertThat(t.nanosFor(100)).isEqualTo(-1);
    t.started(0);
    assertThat(t.nanosFor(100)).isEqualTo(-1);
    t.finished(1000, S); // 1,000 items in a second
    assertThat(t.nanosFor(2000)).isEqualTo(2 * S);
  }

  @Test
  void tasksSentTogetherCountByTheTimeBetweenAnswersNotTheirOwnWait() {
    Throughput t = new Throughput();
    t.started(0);
    t.started(0);
    t.finished(1000, S); // both queued at once on the runtime: the second waited for the first
    t.finished(1000, 2 * S);
    assertThat(t.nanosFor(1000)).isEqualTo(S);
  }

  @Test
  void answersThatComeTogetherDoNotLookLikeAFastPace() {
    Throughput t = new Throughput();
    t.started(0);
    t.started(0);
    t.finished(4, 300_000_000L); // two workers, a task each, done 10 ms apart
    t.finished(4, 310_000_000L);
    assertThat(t.nanosFor(8)).isEqualTo(310_000_000L);
  }

  @Test
  void idleTimeBetweenBusySpellsIsNotCounted() {
    Throughput t = new Throughput();
    t.started(0);
    t.finished(100, S);
    t.started(60 * S); // nothing was sent for a minute
    t.finished(100, 61 * S);
    assertThat(t.nanosFor(100)).isEqualTo(S);
  }

  @Test
  void aChangeOfPaceMovesTheEstimateGradually() {
    Throughput t = new Throughput();
    t.started(0);
    t.finished(100, S);
    t.started(S);
    t.finished(10, 2 * S); // ten times slower
    assertThat(t.nanosFor(100)).isBetween(S + 1, 10 * S - 1);
    for (int k = 0; k < 20; k++) { // 20 s more at that pace: the fast start mostly forgotten
      t.started((2 + k) * S);
      t.finished(10, (3 + k) * S);
    }
    assertThat(t.nanosFor(100)).isBetween(8 * S, 10 * S);
  }
}
