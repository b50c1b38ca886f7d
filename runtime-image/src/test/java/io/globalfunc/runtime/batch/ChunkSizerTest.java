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
}
