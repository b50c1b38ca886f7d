package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.worker.DispatchPolicy.Choice;
import io.globalfunc.core.worker.DispatchPolicy.Head;
import io.globalfunc.core.worker.DispatchPolicy.Lane;
import io.globalfunc.core.worker.DispatchPolicy.WorkerView;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every dispatch rule, on made-up worker snapshots: no process involved. */
class DispatchPolicyTest {

  private static final Head SMALL = new Head(100, -1);
  private static final Head LARGE = new Head(WorkerProcess.INLINE_FRAME_LIMIT + 1, -1);

  private static final PoolConfig CONFIG =
      PoolConfig.defaults(Path.of("lib")).withWorkers(4).withPipelineDepth(2).withMaxBackground(2);

  private static WorkerView free() {
    return new WorkerView(true, false, false, 0, 0, false, 0);
  }

  private static WorkerView busy(int inflight) {
    return new WorkerView(true, false, false, inflight, 0, false, 0);
  }

  private static WorkerView batchBusy() {
    return new WorkerView(true, false, false, 1, 1, false, 0);
  }

  private static WorkerView starting() {
    return new WorkerView(false, false, false, 0, 0, false, 0);
  }

  private static WorkerView killed(int inflight) {
    return new WorkerView(true, false, true, inflight, 0, false, 0);
  }

  private static WorkerView writing() {
    return new WorkerView(true, true, false, 1, 0, false, 0);
  }

  @Test
  void nothingWaitingChoosesNothing() {
    assertThat(DispatchPolicy.choose(null, null, List.of(free()), CONFIG)).isNull();
  }

  @Test
  void interactiveCallsGoBeforeBatchItems() {
    assertThat(DispatchPolicy.choose(SMALL, SMALL, List.of(free(), free()), CONFIG))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 0));
  }

  @Test
  void aBatchItemWaitsWhileAnInteractiveCallWaits() {
    // The interactive head can go nowhere (a large frame cannot be pipelined), and the batch
    // item must not overtake it even though a worker could take a batch item... none is free.
    assertThat(DispatchPolicy.choose(LARGE, SMALL, List.of(busy(1), busy(1)), CONFIG)).isNull();
  }

  @Test
  void aFreeWorkerIsPreferredToPipelining() {
    assertThat(DispatchPolicy.choose(SMALL, null, List.of(busy(1), free()), CONFIG))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 1));
  }

  @Test
  void smallCallsArePipelinedToTheLeastLoadedWorkerUpToTheDepth() {
    PoolConfig deep = CONFIG.withPipelineDepth(3);
    assertThat(DispatchPolicy.choose(SMALL, null, List.of(busy(2), busy(1)), deep))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 1));
    assertThat(DispatchPolicy.choose(SMALL, null, List.of(busy(2), busy(2)), CONFIG)).isNull();
  }

  @Test
  void largeFramesAreNeverPipelined() {
    assertThat(DispatchPolicy.choose(LARGE, null, List.of(busy(1)), CONFIG)).isNull();
    assertThat(DispatchPolicy.choose(LARGE, null, List.of(busy(1), free()), CONFIG))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 1));
  }

  @Test
  void neverPipelinedBehindABatchItem() {
    assertThat(DispatchPolicy.choose(SMALL, null, List.of(batchBusy()), CONFIG)).isNull();
    assertThat(DispatchPolicy.choose(SMALL, null, List.of(batchBusy(), busy(1)), CONFIG))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 1));
  }

  @Test
  void neverPipelinedBehindAChunk() {
    WorkerView interactiveChunk = new WorkerView(true, false, false, 1, 0, true, 0);
    assertThat(DispatchPolicy.choose(SMALL, null, List.of(interactiveChunk), CONFIG)).isNull();
  }

  @Test
  void neverAWorkerBeingKilledStartingOrBeingWritten() {
    List<WorkerView> unusable = List.of(killed(0), killed(1), starting(), writing());
    assertThat(DispatchPolicy.choose(SMALL, null, unusable, CONFIG)).isNull();
    assertThat(DispatchPolicy.choose(null, SMALL, unusable, CONFIG)).isNull();
    assertThat(DispatchPolicy.anyFree(unusable)).isFalse();
  }

  @Test
  void batchItemsTakeOnlyFreeWorkers() {
    assertThat(DispatchPolicy.choose(null, SMALL, List.of(busy(1), free()), CONFIG))
        .isEqualTo(new Choice(Lane.BATCH, 1));
    assertThat(DispatchPolicy.choose(null, SMALL, List.of(busy(1), busy(1)), CONFIG)).isNull();
  }

  @Test
  void batchItemsOccupyAtMostTheirShareOfWorkers() {
    List<WorkerView> twoBatch = List.of(batchBusy(), batchBusy(), free(), free());
    assertThat(DispatchPolicy.choose(null, SMALL, twoBatch, CONFIG)).isNull();
    assertThat(DispatchPolicy.choose(SMALL, SMALL, twoBatch, CONFIG))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 2));
    List<WorkerView> oneBatch = List.of(batchBusy(), busy(1), free(), free());
    assertThat(DispatchPolicy.choose(null, SMALL, oneBatch, CONFIG))
        .isEqualTo(new Choice(Lane.BATCH, 2));
  }

  @Test
  void theBatchShareNeverExceedsThePool() {
    PoolConfig generous = CONFIG.withWorkers(1).withMaxBackground(8);
    assertThat(DispatchPolicy.choose(null, SMALL, List.of(batchBusy(), free()), generous)).isNull();
  }

  @Test
  void aFreeWorkerIsReadyIdleUnwrittenAndNotBeingKilled() {
    assertThat(free().isFree()).isTrue();
    assertThat(busy(1).isFree()).isFalse();
    assertThat(starting().isFree()).isFalse();
    assertThat(killed(0).isFree()).isFalse();
    assertThat(new WorkerView(true, true, false, 0, 0, false, 0).isFree()).isFalse();
    assertThat(DispatchPolicy.anyFree(List.of(busy(1), free()))).isTrue();
  }

  private static WorkerView on(int loop, int inflight) {
    return new WorkerView(true, false, false, inflight, 0, false, loop);
  }

  private static Head from(int home) {
    return new Head(100, home);
  }

  @Test
  void aCallPrefersAFreeWorkerReadOnItsCallersEventLoop() {
    // Its answer is then read on the loop that writes the HTTP answer: no other thread wakes.
    assertThat(DispatchPolicy.choose(from(1), null, List.of(on(0, 0), on(1, 0)), CONFIG))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 1));
    assertThat(DispatchPolicy.choose(from(0), null, List.of(on(0, 0), on(1, 0)), CONFIG))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 0));
  }

  @Test
  void anyFreeWorkerServesWhenNoneIsFreeOnTheCallersLoop() {
    assertThat(DispatchPolicy.choose(from(1), null, List.of(on(0, 0), on(1, 1)), CONFIG))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 0));
    assertThat(DispatchPolicy.choose(from(-1), null, List.of(on(0, 1), on(1, 0)), CONFIG))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 1));
  }

  @Test
  void pipeliningPrefersTheCallersLoopOnlyAmongEquallyLoadedWorkers() {
    PoolConfig deep = CONFIG.withPipelineDepth(3);
    assertThat(DispatchPolicy.choose(from(1), null, List.of(on(0, 1), on(1, 1)), deep))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 1));
    assertThat(DispatchPolicy.choose(from(1), null, List.of(on(0, 1), on(1, 2)), deep))
        .isEqualTo(new Choice(Lane.INTERACTIVE, 0));
  }

  @Test
  void aNewWorkersAnswersGoToTheLeastUsedEventLoop() {
    assertThat(DispatchPolicy.loopForNewWorker(List.of(), 4)).isZero();
    assertThat(DispatchPolicy.loopForNewWorker(List.of(on(0, 0), on(0, 0), on(1, 0)), 3))
        .isEqualTo(2);
    assertThat(DispatchPolicy.loopForNewWorker(List.of(on(0, 0), on(1, 0), on(2, 1)), 3)).isZero();
  }
}
