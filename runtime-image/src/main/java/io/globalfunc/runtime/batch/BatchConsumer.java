package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.batch.BatchTask;
import io.globalfunc.core.batch.ItemResult;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.http.CallMetrics;
import io.globalfunc.runtime.library.Provenance;
import io.globalfunc.runtime.library.RefException;
import io.globalfunc.runtime.library.ServedLibrary;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Takes part in the release's durable batches: reads tasks from the Redis stream through the shared
 * consumer group, runs them on an {@link ItemExecutor} (this runtime's Python workers, or in a
 * batch agent the pod's runtime container; never more at once than the batch share of its workers,
 * so synchronous calls are not starved), stores each result and acknowledges its task in one atomic
 * step, reclaims tasks whose consumer died, and dead-letters an item that keeps killing workers.
 */
@ApplicationScoped
public class BatchConsumer {

  private static final Logger LOG = Logger.getLogger(BatchConsumer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long READ_BLOCK_MS = 1000;

  /** How often a consumer holding enough work ({@link ReadAhead}) looks again. */
  private static final long READ_AHEAD_POLL_MS = 20;

  private final RuntimeConfig config;
  private final ServedLibrary library;
  private final Vertx vertx;
  private final String consumer = consumerName();
  private volatile BatchStore store;
  private volatile boolean running;
  private volatile String lastError;
  private Semaphore permits;

  /** Stream ids of the tasks this consumer runs now: held against reclaiming ({@link #hold}). */
  private final Set<String> held = ConcurrentHashMap.newKeySet();

  private ItemExecutor executor;
  private Thread loop;

  private final CallMetrics metrics;

  BatchConsumer(RuntimeConfig config, ServedLibrary library, Vertx vertx, CallMetrics metrics) {
    this.config = config;
    this.library = library;
    this.vertx = vertx;
    this.metrics = metrics;
  }

  void onStart(@Observes @Priority(5000) StartupEvent event) {
    if (config.batchAgent() && config.redisUri().isEmpty()) {
      LOG.warnf("batch agent without GF_REDIS_URI (or GF_REDIS_URI_FILE): no batches to consume");
      return;
    }
    if (config.redisUri().isEmpty() || !config.batchAgent() && library.pool() == null) {
      return;
    }
    executor =
        config.batchAgent()
            ? RuntimeHttpExecutor.of(config)
            : new PoolExecutor(library, Provenance.identity(config.podName().orElse(null)));
    // The executor keeps batch items to their share of workers and behind interactive calls; the
    // permits only bound how many tasks this consumer has taken from the stream (a prefetch).
    permits = new Semaphore(executor.tasksAtOnce());
    String branch = config.batchAgent() ? RuntimeHttpExecutor.branch(config) : library.branch();
    store =
        BatchStore.connect(vertx, config.redisUri().get(), new BatchKeys(config.space(), branch));
    running = true;
    loop = new Thread(this::run, "gf-batch-consumer");
    loop.setDaemon(true);
    loop.start();
    LOG.infof(
        "consuming batches of %s as %s (%d calls at once)",
        store.keys().tasks(), consumer, permits.availablePermits());
  }

  void onStop(@Observes ShutdownEvent event) {
    running = false;
    if (loop != null) {
      loop.interrupt();
    }
    if (store != null) {
      if (config.batchAgent()) {
        drain();
      }
      store.close();
    }
  }

  /**
   * A stopping agent stores what its runtime is still running (the runtime drains its calls too),
   * so a pod deletion leaves no task for others to wait a reclaim period for.
   */
  private void drain() {
    long deadline = System.nanoTime() + config.timeout().plusSeconds(5).toNanos();
    int all = executor.tasksAtOnce();
    while (permits.availablePermits() < all && System.nanoTime() < deadline) {
      sleep(50);
    }
  }

  /** The store this runtime consumes, or null when batches are off. */
  public BatchStore store() {
    return store;
  }

  /** The last Redis problem, or null while Redis is fine. */
  public String lastError() {
    return lastError;
  }

  private Duration reclaimIdle() {
    return config.batchReclaimIdle().orElse(config.timeout().plusSeconds(10));
  }

  /**
   * How often the consumer holds its running tasks and looks after the group: three times per
   * reclaim idle time (so a task held by a live consumer never looks idle, whatever the read or the
   * machine delays one beat by), at most every 5 s.
   */
  private long maintenanceNanos() {
    return Math.min(reclaimIdle().toNanos() / 3, TimeUnit.SECONDS.toNanos(5));
  }

  private void run() {
    long nextMaintenance = 0;
    long backoffMs = 200;
    boolean grouped = false;
    while (running) {
      try {
        if (!grouped) {
          store.ensureGroup();
          grouped = true;
        }
        if (System.nanoTime() >= nextMaintenance) {
          Set<String> names = executor.callNames();
          store.announce(names, Duration.ofMinutes(2));
          hold();
          maintain();
          // Until the functions are known (an agent asks its runtime), announce again soon.
          nextMaintenance =
              System.nanoTime()
                  + (names.isEmpty() ? TimeUnit.MILLISECONDS.toNanos(500) : maintenanceNanos());
        }
        int free = permits.availablePermits();
        if (free == 0) {
          if (permits.tryAcquire(200, TimeUnit.MILLISECONDS)) {
            permits.release();
          }
          continue;
        }
        if (!executor.ready()) {
          sleep(200); // no Python worker to run items on: leave them to other runtimes
          continue;
        }
        int want = Math.min(executor.tasksToRead(free), 256);
        if (want == 0) {
          sleep(READ_AHEAD_POLL_MS); // enough work held: the rest is for other runtimes for now
          continue;
        }
        for (BatchTask t : store.read(consumer, want, readBlock())) {
          process(t);
        }
        if (lastError != null) {
          LOG.infof("Redis is reachable again; batches resume");
          lastError = null;
        }
        backoffMs = 200;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) { // BatchStoreException mostly: Redis down or restarted
        if (!running) {
          return;
        }
        String msg = String.valueOf(e.getMessage());
        if (!msg.equals(lastError)) {
          LOG.warnf("batch queue unavailable: %s; retrying", msg);
        }
        lastError = msg;
        grouped = false; // after a Redis restart without persistence the group is gone too
        sleep(backoffMs);
        backoffMs = Math.min(5000, backoffMs * 2);
      }
    }
  }

  /** A read waits for new tasks no longer than a beat of {@link #hold}. */
  private Duration readBlock() {
    return Duration.ofMillis(
        Math.max(10, Math.min(READ_BLOCK_MS, TimeUnit.NANOSECONDS.toMillis(maintenanceNanos()))));
  }

  /**
   * Resets the idle time of the tasks this consumer is running: a task of a thousand slow items may
   * run far longer than the reclaim idle time, and without this another runtime (or this one) would
   * claim and run it again while it runs, and count the extra deliveries against it.
   */
  private void hold() {
    if (!held.isEmpty()) {
      store.hold(consumer, List.copyOf(held));
    }
  }

  /**
   * Settles tasks delivered too often without finishing ({@link StuckTasks}), then claims tasks
   * whose consumer went quiet.
   */
  private void maintain() throws InterruptedException {
    StuckTasks.settle(store, reclaimIdle(), config.batchMaxDeliveries());
    int free = executor.tasksToRead(permits.availablePermits());
    if (free > 0) {
      List<BatchTask> claimed = store.reclaim(consumer, reclaimIdle(), free);
      if (!claimed.isEmpty()) {
        LOG.infof("reclaimed %d batch tasks from quiet consumers", claimed.size());
      }
      for (BatchTask t : claimed) {
        process(t);
      }
    }
  }

  /**
   * Runs a task and finishes it; its permit is released exactly once, whatever happens on the way
   * (an item that cannot be encoded, a Redis error, a bug): a leaked permit would stop this
   * runtime's batch consumption for good.
   */
  private void process(BatchTask t) throws InterruptedException {
    permits.acquire();
    Permit permit = new Permit(t.streamId());
    try {
      if (t.isMalformed()) {
        store.discard(t.streamId());
        return;
      }
      FunctionName.RefCall named = FunctionName.RefCall.parseOrNull(t.function());
      if (named == null) {
        finish(
            t, TaskRun.refused(t, Problem.UNKNOWN_FUNCTION, "no function " + t.function()), permit);
        permit.handedOff();
        return;
      }
      executor
          .target(named)
          .whenComplete(
              (target, error) -> {
                if (error == null) {
                  run(t, target, permit);
                } else {
                  Throwable cause = error.getCause() == null ? error : error.getCause();
                  Problem p = cause instanceof RefException re ? re.problem() : Problem.UNAVAILABLE;
                  finish(t, TaskRun.refused(t, p, cause.getMessage()), permit);
                }
              });
      permit.handedOff();
    } finally {
      permit.releaseUnlessHandedOff();
    }
  }

  /**
   * Runs a task on its target (the commit of a batch's {@code Package@ref.function}, or the
   * release's), its envelopes carrying that commit's provenance; the target ends with the task.
   */
  private void run(BatchTask t, ItemExecutor.Target target, Permit permit) {
    try {
      new TaskRun(t, target, metrics, config.batchMaxDeliveries())
          .start()
          .whenComplete(
              (results, error) -> {
                target.close();
                finish(t, results, permit);
              });
    } catch (RuntimeException e) {
      target.close();
      permit.release();
      LOG.warnf("cannot run batch %s task %s: %s", t.batchId(), t.streamId(), e);
    }
  }

  private void finish(BatchTask t, List<ItemResult> results, Permit permit) {
    try {
      store
          .completeAsync(t, results)
          .onComplete(
              done -> {
                permit.release();
                if (done.failed()) {
                  // The task stays pending and is reclaimed; its results are stored then.
                  LOG.debugf(
                      "storing batch %s task %s failed: %s",
                      t.batchId(), t.streamId(), done.cause());
                }
              });
    } catch (RuntimeException e) {
      permit.release();
      LOG.warnf("cannot store batch %s task %s: %s", t.batchId(), t.streamId(), e);
    }
  }

  /**
   * One task's hold on {@link #permits} and its place in {@link #held}: released once, by whoever
   * finishes the task.
   */
  private final class Permit {
    private final AtomicBoolean released = new AtomicBoolean();
    private final String streamId;
    private volatile boolean handedOff;

    Permit(String streamId) {
      this.streamId = streamId;
      held.add(streamId);
    }

    void handedOff() {
      handedOff = true;
    }

    void releaseUnlessHandedOff() {
      if (!handedOff) {
        release();
      }
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        held.remove(streamId);
        permits.release();
      }
    }
  }

  private static String consumerName() {
    String jvm = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    return jvm.replaceAll("[^A-Za-z0-9@._-]", "_")
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
