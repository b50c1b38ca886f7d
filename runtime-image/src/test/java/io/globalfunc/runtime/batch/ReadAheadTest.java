package io.globalfunc.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.runtime.batch.ReadAhead.Backlog;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

  private static final long MS = 1_000_000L;

  @Test
  void anIdleRuntimeTakesOneTaskSinceWhatItHoldsIsUnknown() {
    assertThat(ReadAhead.tasks(16, Backlog.IDLE, 2)).isEqualTo(1);
    assertThat(ReadAhead.tasks(0, Backlog.IDLE, 2)).isZero();
  }

  @Test
  void itemsOfAFunctionNotMeasuredYetWaitForTheirFirstFrame() {
    assertThat(ReadAhead.tasks(16, new Backlog(1024, 1, 0, true), 2)).isZero();
  }

  @Test
  void tinyItemsAreReadAheadByEveryFreePermit() {
    // 16 tasks of 1,024 items of 2 µs: 33 ms of work for 2 workers.
    assertThat(ReadAhead.tasks(12, new Backlog(16_384, 2, 33 * MS, false), 2)).isEqualTo(12);
  }

  @Test
  void slowItemsAreLeftToOtherRuntimesOnceASecondPerWorkerIsHeld() {
    Backlog slow = new Backlog(1000, 2, 1000 * 1000 * MS, false); // 1,000 items of 1 s
    assertThat(ReadAhead.tasks(15, slow, 2)).isZero();
    Backlog draining = new Backlog(3, 2, 3 * 300 * MS, false); // 0.9 s left for 2 workers
    assertThat(ReadAhead.tasks(15, draining, 2)).isEqualTo(15);
    assertThat(ReadAhead.tasks(15, draining, 0)).isEqualTo(15); // at least one worker counts
  }

  @Test
  void backlogsOfSeveralCommitsAddUp() {
    Backlog a = new Backlog(10, 1, 600 * MS, false);
    Backlog b = new Backlog(0, 1, 0, false);
    Backlog c = new Backlog(5, 0, 0, true);
    assertThat(a.plus(b)).isEqualTo(new Backlog(10, 2, 600 * MS, false));
    assertThat(a.plus(b).plus(c).unknown()).isTrue();
    assertThat(Backlog.IDLE.plus(b).idle()).isFalse();
    assertThat(ReadAhead.tasks(8, a.plus(a), 1)).isZero(); // 1.2 s for one worker
  }
}
