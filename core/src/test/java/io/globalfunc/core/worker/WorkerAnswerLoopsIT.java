package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.testing.TestLibraries;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool given event loops (as the runtime gives it the HTTP server's) reads its workers' answers
 * on them: an interactive call continues on the loop it was submitted from, batch work off the
 * loops.
 */
class WorkerAnswerLoopsIT {

  private static final FunctionRef ADD = new FunctionRef("Base", "add");
  private static final FunctionRef SLEEPY = new FunctionRef("Bad", "sleepy");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  private static NioEventLoopGroup loops;
  private static WorkerPool pool;

  @BeforeAll
  static void start() throws Exception {
    loops = new NioEventLoopGroup(2);
    pool =
        WorkerPool.start(
            PoolConfig.defaults(TestLibraries.writeMisbehaving(tmp.resolve("lib")))
                .withPython(System.getProperty("gf.python", "python3"))
                .withWorkDir(tmp.resolve("work"))
                .withWorkers(2)
                .withDefaultTimeout(Duration.ofSeconds(30)),
            loops);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (pool.stats().ready() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @AfterAll
  static void stop() {
    pool.close();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static CallRequest add(int a) throws Exception {
    return new CallRequest(ADD, null, JSON.readTree("{\"a\":" + a + "}"), null);
  }

  @Test
  void anInteractiveCallContinuesOnTheEventLoopItWasSubmittedFrom() throws Exception {
    assertThat(pool.stats().ready()).isEqualTo(2);
    for (EventExecutor loop : loops) {
      for (int i = 0; i < 3; i++) {
        CallRequest request = add(i);
        CompletableFuture<Boolean> onItsLoop = new CompletableFuture<>();
        loop.execute(
            () ->
                pool.submit(request)
                    .whenComplete((outcome, error) -> onItsLoop.complete(loop.inEventLoop())));
        assertThat(onItsLoop.get(60, TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  @Test
  void batchWorkCompletesOffTheEventLoops() throws Exception {
    // A third of a second of work: the chunk cannot finish before the callback below is attached
    // (a callback attached to a finished future runs on the attaching thread, here main).
    List<JsonItem> items = List.of(JsonItem.of(JSON.readTree("{\"seconds\":0.3}")));
    CompletableFuture<String> thread = new CompletableFuture<>();
    pool.submitChunk(new ChunkRequest(SLEEPY, items, null, true))
        .whenComplete((outcomes, error) -> thread.complete(Thread.currentThread().getName()));
    assertThat(thread.get(60, TimeUnit.SECONDS)).isEqualTo("gf-worker-completions");
  }
}
