package io.globalfunc.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.runtime.batch.ReadAhead.Backlog;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

  private static final long MS = 1_000_000L;

  @Test
  void anIdleRuntimeTakesOneTaskSinceWhatItHoldsIsUnknown() {
    assertThat(ReadAhead.tasks(16, Backlog.IDLE, 2)).isEqualTo(1);
    assertThat(ReadAhead.tasks(16, new Backlog(0, 0, 0, true, 0), 2)).isEqualTo(1);
    assertThat(ReadAhead.tasks(0, Backlog.IDLE, 2)).isZero();
  }

  @Test
  void aFunctionNotMeasuredYetWaitsForItsFirstFrame() {
    assertThat(ReadAhead.tasks(16, new Backlog(1020, 1, 0, true, 0), 2)).isZero();
    assertThat(ReadAhead.tasks(16, new Backlog(0, 1, 0, true, 0), 2)).isZero();
  }

  @Test
  void tinyItemsAreReadAheadByEveryFreePermit() {
    // 16 tasks of 1,024 items of 2 µs: 33 ms of work for 2 workers, 2 ms a task.
    assertThat(ReadAhead.tasks(12, new Backlog(16_384, 2, 33 * MS, false, 2 * MS), 2))
        .isEqualTo(12);
  }

  @Test
  void slowItemsAreReadOneTaskAtATimeUpToASecondPerWorker() {
    long task = 600 * MS; // 4 items of 150 ms
    assertThat(ReadAhead.tasks(7, new Backlog(0, 1, 0, false, task), 1)).isEqualTo(1);
    assertThat(ReadAhead.tasks(6, new Backlog(4, 1, task, false, task), 1)).isEqualTo(1);
    assertThat(ReadAhead.tasks(5, new Backlog(8, 1, 2 * task, false, task), 1)).isZero();
    // Two workers: room for 1.4 s after 0.6 s held, two tasks of 0.6 s.
    assertThat(ReadAhead.tasks(15, new Backlog(4, 2, task, false, task), 2)).isEqualTo(2);
    // At least one worker counts.
    assertThat(ReadAhead.tasks(15, new Backlog(4, 2, task, false, task), 0)).isEqualTo(1);
  }

  @Test
  void aHugeTaskIsStillReadWhenLittleIsHeld() {
    Backlog held = new Backlog(3, 2, 300 * MS, false, 1000 * 1000 * MS);
    assertThat(ReadAhead.tasks(15, held, 2)).isEqualTo(1);
  }

  @Test
  void backlogsOfSeveralCommitsAddUp() {
    Backlog a = new Backlog(10, 1, 600 * MS, false, 60 * MS);
    Backlog b = new Backlog(0, 1, 0, false, 0);
    Backlog c = new Backlog(5, 0, 0, true, 0);
    assertThat(a.plus(b)).isEqualTo(new Backlog(10, 2, 600 * MS, false, 60 * MS));
    assertThat(a.plus(b).plus(c).unknown()).isTrue();
    assertThat(Backlog.IDLE.plus(b).idle()).isFalse();
    assertThat(ReadAhead.tasks(8, a.plus(a), 1)).isZero(); // 1.2 s held for one worker
  }
}
