package io.globalfunc.core.batch;

import io.globalfunc.core.naming.BatchKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Drives one durable batch from the producer's side: queues its items, hands results to a sink
 * strictly in input order as they arrive, and re-sends what Redis lost (a restart without
 * persistence drops the stream, the results and the batch itself). Resumable: given the batch id
 * and how many results the sink already has, it carries on where an interrupted run stopped.
 */
public final class BatchProducer {

  private static final Logger LOG = Logger.getLogger(BatchProducer.class);

  /** Items queued per Redis round trip: whole results hashes, so entries start on a hash. */
  private static final int CHUNK = 4 * BatchKeys.RESULTS_PER_KEY;

  /** Results hashes read per look. */
  private static final int WINDOW = 4;

  private final BatchStore store;
  private final Duration poll;
  private final Duration stall;
  private volatile Consumer<String> warnings = LOG::warn;
  private volatile boolean stopped;

  /**
   * Receives results in input order: each envelope's bytes, as asked (with or without provenance).
   */
  public interface Sink {
    void accept(int item, byte[] envelope) throws Exception;
  }

  /** Hears about progress: results delivered so far out of the total. */
  public interface Progress {
    void update(long delivered, long total);
  }

  /**
   * @param poll how long to wait for word of new results before looking anyway (results stored wake
   *     the producer at once: {@link BatchStore#awaitProgress})
   * @param stall how long without any new result before checking whether Redis lost items
   */
  public BatchProducer(BatchStore store, Duration poll, Duration stall) {
    this.store = store;
    this.poll = poll;
    this.stall = stall;
  }

  /** Sends what goes wrong on the way (Redis away, items lost) to {@code w}, not the log. */
  public BatchProducer warnings(Consumer<String> w) {
    this.warnings = w;
    return this;
  }

  /**
   * Makes a running {@link #await} give up within about {@code poll}, with a {@link
   * CancellationException}; the batch goes on, and can be awaited again.
   */
  public void stop() {
    stopped = true;
  }

  /**
   * Creates a new batch for {@code function} and queues every item (the UTF-8 bytes of its JSON
   * keyword arguments, queued as they are); returns its id.
   */
  public String submit(String function, List<byte[]> items) {
    String id = store.create(function, items.size());
    queue(id, function, items, 0, null);
    return id;
  }

  /** Queues items from {@code from} on; when {@code missing} is given, only those it marks. */
  private void queue(String id, String function, List<byte[]> items, int from, boolean[] missing) {
    int perEntry = ChunkPlan.entrySize(items.size());
    List<byte[]> chunk = new ArrayList<>(CHUNK);
    int chunkStart = -1;
    for (int i = from; i < items.size(); i++) {
      boolean send = missing == null || missing[i - from];
      if (send) {
        if (chunkStart >= 0 && chunkStart + chunk.size() != i) {
          store.add(id, function, chunkStart, chunk, perEntry);
          chunk = new ArrayList<>(CHUNK);
          chunkStart = -1;
        }
        if (chunkStart < 0) {
          chunkStart = i;
        }
        chunk.add(items.get(i));
        if (chunk.size() == CHUNK) {
          store.add(id, function, chunkStart, chunk, perEntry);
          chunk = new ArrayList<>(CHUNK);
          chunkStart = -1;
        }
      }
    }
    if (!chunk.isEmpty()) {
      store.add(id, function, chunkStart, chunk, perEntry);
    }
  }

  /**
   * Waits for every result from {@code delivered} on, handing each to the sink in order (with its
   * provenance fields when {@code provenance}); returns when all {@code items.size()} results are
   * delivered. Redis outages are waited out.
   */
  public void await(
      String id,
      String function,
      List<byte[]> items,
      int delivered,
      boolean provenance,
      Sink sink,
      Progress progress)
      throws Exception {
    int total = items.size();
    long lastProgress = System.nanoTime();
    while (delivered < total) {
      stopIfAsked();
      // Whole results hashes: each is read with one HGETALL.
      int windowEnd =
          Math.min(
              total, (delivered / BatchKeys.RESULTS_PER_KEY + WINDOW) * BatchKeys.RESULTS_PER_KEY);
      List<byte[]> results;
      try {
        results = store.resultBytes(id, delivered, windowEnd - delivered, provenance);
      } catch (BatchStoreException e) {
        warn("Redis unavailable while waiting for batch %s: %s", id, e.getMessage());
        sleep(poll.multipliedBy(5));
        continue;
      }
      int before = delivered;
      for (byte[] r : results) {
        if (r == null) {
          break;
        }
        sink.accept(delivered, r);
        delivered++;
      }
      if (delivered > before) {
        lastProgress = System.nanoTime();
        progress.update(delivered, total);
        continue;
      }
      if (System.nanoTime() - lastProgress > stall.toNanos()) {
        try {
          resendLost(id, function, items, delivered);
        } catch (BatchStoreException e) {
          warn("Redis unavailable while checking batch %s: %s", id, e.getMessage());
        }
        lastProgress = System.nanoTime();
      }
      try {
        store.awaitProgress(id, poll);
      } catch (BatchStoreException e) {
        warn("Redis unavailable while waiting for batch %s: %s", id, e.getMessage());
        sleep(poll);
      }
    }
  }

  /**
   * Re-queues items that have no result and are nowhere in the queue: the batch is gone (Redis lost
   * it), or the release's stream is empty while results are missing.
   */
  private void resendLost(String id, String function, List<byte[]> items, int delivered) {
    boolean batchLost = store.status(id).map(BatchStatus::lost).orElse(true);
    if (!batchLost && store.queued() > 0) {
      return; // still queued or running somewhere: keep waiting
    }
    int total = items.size();
    boolean[] missing = new boolean[total - delivered];
    int count = 0;
    for (int from = delivered; from < total; from += CHUNK) {
      List<byte[]> rs = store.resultBytes(id, from, Math.min(CHUNK, total - from), false);
      for (int i = 0; i < rs.size(); i++) {
        if (rs.get(i) == null) {
          missing[from + i - delivered] = true;
          count++;
        }
      }
    }
    if (count == 0) {
      return;
    }
    warn("batch %s: %d items were lost by Redis; sending them again", id, count);
    if (batchLost) {
      store.create(id, function, total);
    }
    queue(id, function, items, delivered, missing);
  }

  private void warn(String format, Object... args) {
    warnings.accept(String.format(format, args));
  }

  private void stopIfAsked() {
    if (stopped) {
      throw new CancellationException("stopped");
    }
  }

  /** Sleeps {@code d}, in steps that notice {@link #stop}. */
  private void sleep(Duration d) throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
      stopIfAsked();
      Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
    }
  }
}
