package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PortAllocatorTest {

  @Test
  void manyWorkersAllocatingAtOnceNeverGetTheSamePort() throws Exception {
    PortAllocator allocator = new PortAllocator();
    List<Integer> all = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < 50; i++) {
      String worker = "w" + i;
      pool.submit(
          () -> {
            go.await();
            all.addAll(allocator.assign("ns", worker, List.of(), 3, 26000, 27000, Map::of).keep());
            return null;
          });
    }
    go.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(all).hasSize(150).doesNotHaveDuplicates().allMatch(p -> p >= 26000 && p < 26150);
  }

  @Test
  void aWorkerKeepsItsPortsAndScalesDownFromTheEnd() {
    PortAllocator allocator = new PortAllocator();
    assertThat(allocator.assign("ns", "a", List.of(), 3, 26000, 27000, Map::of).keep())
        .containsExactly(26000, 26001, 26002);
    assertThat(allocator.assign("ns", "b", List.of(), 1, 26000, 27000, Map::of).keep())
        .containsExactly(26003);
    var down = allocator.assign("ns", "a", List.of(26000, 26001, 26002), 1, 26000, 27000, Map::of);
    assertThat(down.keep()).containsExactly(26000);
    assertThat(down.surplus()).containsExactly(26001, 26002);
    // Surplus ports stay taken until released (their pods may still exist).
    assertThat(allocator.assign("ns", "c", List.of(), 1, 26000, 26003, Map::of).exhausted())
        .isTrue();
    allocator.release("ns", "a", 26001);
    assertThat(allocator.assign("ns", "c", List.of(), 1, 26000, 26003, Map::of).keep())
        .containsExactly(26001);
  }

  @Test
  void seedsFromWhatKubernetesSaysAndNamespacesAreIndependent() {
    PortAllocator allocator = new PortAllocator();
    var a =
        allocator.assign(
            "ns", "new", List.of(), 2, 26000, 27000, () -> Map.of(26000, "old", 26002, "old"));
    assertThat(a.keep()).containsExactly(26001, 26003);
    assertThat(allocator.assign("other", "new", List.of(), 1, 26000, 27000, Map::of).keep())
        .containsExactly(26000);
    // A port another worker holds cannot be claimed by listing it as held.
    assertThat(allocator.assign("ns", "thief", List.of(26000), 1, 26000, 27000, Map::of).keep())
        .containsExactly(26004);
    allocator.releaseAll("ns", "old");
    assertThat(allocator.held("ns", "old")).isEmpty();
  }

  @Test
  void aShrunkRangeMovesPortsOut() {
    PortAllocator allocator = new PortAllocator();
    allocator.assign("ns", "a", List.of(), 2, 26000, 27000, Map::of);
    var moved = allocator.assign("ns", "a", List.of(26000, 26001), 2, 26001, 26010, Map::of);
    assertThat(moved.keep()).containsExactly(26001, 26002);
    assertThat(moved.surplus()).containsExactly(26000);
  }
}
