package io.globalfunc.runtime.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkSizerTest {

  @Test
  void tinyItemsShareFramesAndSlowOnesGoAlone() {
    ChunkSizer sizer = new ChunkSizer();
    assertThat(sizer.size("Base.add")).isEqualTo(4);
    for (int i = 0; i < 20; i++) {
      sizer.record("Base.add", 100, 100 * 20_000L); // 20 µs an item
      sizer.record("Base.nap", 2, 2 * 150_000_000L); // 150 ms an item
    }
    assertThat(sizer.size("Base.add")).isEqualTo(ChunkSizer.MAX_ITEMS);
    assertThat(sizer.size("Base.nap")).isEqualTo(1);
    for (int i = 0; i < 20; i++) {
      sizer.record("Base.add", 10, 10 * 5_000_000L); // it slowed down to 5 ms an item
    }
    assertThat(sizer.size("Base.add")).isBetween(15, 25);
  }

  @Test
  void theLastItemsOfABatchAreSharedOutSoEveryWorkerFinishesTogether() {
    ChunkSizer sizer = new ChunkSizer();
    for (int i = 0; i < 20; i++) {
      sizer.record("Base.add", 100, 100 * 20_000L);
    }
    assertThat(sizer.size("Base.add", 10_000, 2)).isEqualTo(ChunkSizer.MAX_ITEMS);
    // 300 left for 2 workers: 150 each, then the rest keeps halving, never below one item.
    assertThat(sizer.size("Base.add", 300, 2)).isEqualTo(150);
    assertThat(sizer.size("Base.add", 150, 2)).isEqualTo(75);
    assertThat(sizer.size("Base.add", 3, 2)).isEqualTo(2);
    assertThat(sizer.size("Base.add", 1, 2)).isEqualTo(1);
    assertThat(sizer.size("Base.add", 0, 2)).isEqualTo(1);
    assertThat(sizer.size("Base.add", 7, 8)).isEqualTo(1);
    // Slow items keep their own, smaller size.
    for (int i = 0; i < 20; i++) {
      sizer.record("Base.nap", 2, 2 * 50_000_000L);
    }
    assertThat(sizer.size("Base.nap", 1000, 2)).isEqualTo(2);
  }

  @Test
  void durableBatchesTakeLongerFramesThanInteractiveMaps() {
    ChunkSizer sizer = new ChunkSizer();
    for (int i = 0; i < 20; i++) {
      sizer.record("Base.add", 100, 100 * 20_000L); // 20 µs an item
      sizer.record("Base.nap", 2, 2 * 50_000_000L); // 50 ms an item
    }
    assertThat(sizer.size("Base.nap", 1000, 2, false)).isEqualTo(2); // 100 ms
    assertThat(sizer.size("Base.nap", 1000, 2, true)).isEqualTo(20); // 1 s
    assertThat(sizer.size("Base.add", 100_000, 2, true)).isEqualTo(ChunkSizer.BATCH_MAX_ITEMS);
    // The end of a batch still shares out what is left.
    assertThat(sizer.size("Base.nap", 30, 2, true)).isEqualTo(15);
    assertThat(sizer.size("Base.nap", 5, 2, true)).isEqualTo(3);
  }
}
