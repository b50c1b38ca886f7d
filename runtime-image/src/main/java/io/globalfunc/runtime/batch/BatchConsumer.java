package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.core.worker.FailureKind;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.http.CallMetrics;
import io.globalfunc.runtime.http.Problem;
import io.globalfunc.runtime.library.ServedFunction;
import io.globalfunc.runtime.library.ServedLibrary;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Takes part in the release's durable batches: reads tasks from the Redis stream through the shared
 * consumer group, runs them on this runtime's Python workers (never more at once than its share, so
 * synchronous calls are not starved), stores each result and acknowledges its task in one atomic
 * step, reclaims tasks whose consumer died, and dead-letters an item that keeps killing workers.
 */
@ApplicationScoped
public class BatchConsumer {

  private static final Logger LOG = Logger.getLogger(BatchConsumer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READ_BLOCK = Duration.ofMillis(1000);
  private static final int PREFETCH_PER_WORKER = 8;

  private final RuntimeConfig config;
  private final ServedLibrary library;
  private final Vertx vertx;
  private final String consumer = consumerName();
  private volatile BatchStore store;
  private volatile boolean running;
  private volatile String lastError;
  private Semaphore permits;
  private Thread loop;

  private final CallMetrics metrics;

  BatchConsumer(RuntimeConfig config, ServedLibrary library, Vertx vertx, CallMetrics metrics) {
    this.config = config;
    this.library = library;
    this.vertx = vertx;
    this.metrics = metrics;
  }

  void onStart(@Observes @Priority(5000) StartupEvent event) {
    if (config.redisUri().isEmpty() || library.pool() == null) {
      return;
    }
    WorkerPool pool = library.pool();
    // The pool keeps batch items to their share of workers and behind interactive calls; the
    // permits only bound how many tasks this runtime has taken from the stream (a prefetch).
    permits = new Semaphore(Math.max(1, pool.config().maxBackground()) * PREFETCH_PER_WORKER);
    store =
        BatchStore.connect(
            vertx, config.redisUri().get(), new BatchKeys(config.space(), library.branch()));
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
      store.close();
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
          store.announce(callNames(), Duration.ofMinutes(2));
          maintain();
          nextMaintenance =
              System.nanoTime()
                  + Math.min(reclaimIdle().toNanos() / 2, TimeUnit.SECONDS.toNanos(5));
        }
        int free = permits.availablePermits();
        if (free == 0) {
          if (permits.tryAcquire(200, TimeUnit.MILLISECONDS)) {
            permits.release();
          }
          continue;
        }
        for (BatchStore.Task t : store.read(consumer, Math.min(free, 256), READ_BLOCK)) {
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

  /** Dead-letters tasks delivered too often, then claims tasks whose consumer went quiet. */
  private void maintain() throws InterruptedException {
    for (BatchStore.Pending p : store.pending(reclaimIdle(), 200)) {
      if (p.deliveries() >= config.batchMaxDeliveries()) {
        BatchStore.Task t = store.task(p.streamId());
        if (t == null || t.batchId() == null) {
          store.discard(p.streamId());
        } else {
          LOG.warnf(
              "batch %s item %d killed its worker %d times; dead-lettered",
              t.batchId(), t.item(), p.deliveries());
          byte[] envelope =
              ResultEnvelope.failure(
                  Problem.WORKER_CRASHED.body(
                      JSON,
                      "the item was delivered "
                          + p.deliveries()
                          + " times and never finished; dead-lettered",
                      t.function()));
          store.complete(
              t,
              new String(envelope, java.nio.charset.StandardCharsets.UTF_8),
              BatchStore.Outcome.DEAD);
        }
      }
    }
    int free = permits.availablePermits();
    if (free > 0) {
      List<BatchStore.Task> claimed = store.reclaim(consumer, reclaimIdle(), free);
      if (!claimed.isEmpty()) {
        LOG.infof("reclaimed %d batch tasks from quiet consumers", claimed.size());
      }
      for (BatchStore.Task t : claimed) {
        process(t);
      }
    }
  }

  private void process(BatchStore.Task t) throws InterruptedException {
    permits.acquire();
    if (t.batchId() == null) {
      store.discard(t.streamId());
      permits.release();
      return;
    }
    FunctionRef ref = FunctionRef.parseOrNull(t.function());
    ServedFunction fn = library.function(ref);
    JsonNode kwargs = null;
    try {
      kwargs = t.kwargs() == null ? null : JSON.readTree(t.kwargs());
    } catch (java.io.IOException e) {
      finish(
          t,
          ResultEnvelope.failure(Problem.BAD_JSON.body(JSON, e.getMessage(), t.function())),
          BatchStore.Outcome.FAILED);
      return;
    }
    if (fn == null) {
      finish(
          t,
          ResultEnvelope.failure(
              Problem.UNKNOWN_FUNCTION.body(
                  JSON, "no function " + t.function() + " is served here", t.function())),
          BatchStore.Outcome.FAILED);
      return;
    }
    if (kwargs != null && !kwargs.isObject()) {
      finish(
          t,
          ResultEnvelope.failure(
              Problem.INVALID_REQUEST.body(
                  JSON, "an item must be a JSON object of keyword arguments", t.function())),
          BatchStore.Outcome.FAILED);
      return;
    }
    long start = System.nanoTime();
    library
        .pool()
        .submit(new CallRequest(ref, null, kwargs, null, true))
        .thenAccept(
            outcome -> {
              metrics.record(ref, outcome, System.nanoTime() - start, CallMetrics.Mode.BATCH);
              if (outcome instanceof CallOutcome.Success s) {
                finish(t, ResultEnvelope.success(s.json()), BatchStore.Outcome.DONE);
              } else {
                CallOutcome.Failure f = (CallOutcome.Failure) outcome;
                if (f.kind() == FailureKind.WORKER_CRASHED
                    || f.kind() == FailureKind.OVERLOADED
                    || f.kind() == FailureKind.UNAVAILABLE) {
                  // Not this item's final word: leave it pending; it is delivered again after
                  // the reclaim idle time, and dead-lettered if it keeps killing workers.
                  permits.release();
                } else {
                  finish(
                      t,
                      ResultEnvelope.failure(Problem.body(JSON, f, t.function())),
                      BatchStore.Outcome.FAILED);
                }
              }
            });
  }

  private void finish(BatchStore.Task t, byte[] envelope, BatchStore.Outcome outcome) {
    store
        .completeAsync(t, envelope, outcome)
        .onComplete(
            done -> {
              permits.release();
              if (done.failed()) {
                // The task stays pending and is reclaimed; its result is stored then.
                LOG.debugf(
                    "storing batch %s item %d failed: %s", t.batchId(), t.item(), done.cause());
              }
            });
  }

  private Set<String> callNames() {
    Set<String> names = new LinkedHashSet<>();
    library.functions().keySet().forEach(r -> names.add(r.callName()));
    return names;
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
