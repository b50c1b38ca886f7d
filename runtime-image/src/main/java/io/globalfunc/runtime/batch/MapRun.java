package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.http.CallMetrics;
import io.globalfunc.runtime.http.Problem;
import io.globalfunc.runtime.library.ServedFunction;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One {@code /v1/map} request: runs its items on the pool a bounded window at a time and hands the
 * envelopes, in input order, to {@code done}. Invalid items are answered in place without a call;
 * feeding is a loop, never a recursion, however many calls complete at once.
 */
final class MapRun {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WorkerPool pool;
  private final CallMetrics metrics;
  private final ServedFunction fn;
  private final List<JsonNode> items;
  private final byte[][] envelopes;
  private final Consumer<Buffer> done;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger remaining;
  private final AtomicInteger credits = new AtomicInteger();
  private final Map<Integer, CompletableFuture<CallOutcome>> running = new ConcurrentHashMap<>();
  private volatile boolean cancelled;

  MapRun(
      WorkerPool pool,
      CallMetrics metrics,
      ServedFunction fn,
      List<JsonNode> items,
      Consumer<Buffer> done) {
    this.pool = pool;
    this.metrics = metrics;
    this.fn = fn;
    this.items = items;
    this.envelopes = new byte[items.size()][];
    this.done = done;
    this.remaining = new AtomicInteger(items.size());
  }

  /** Starts the first {@code window} calls; later ones start as earlier ones finish. */
  void start(int window) {
    if (items.isEmpty()) {
      done.accept(Buffer.buffer("[]"));
      return;
    }
    for (int k = 0; k < window; k++) {
      feed();
    }
  }

  /** Starts the next call; when called from inside a call being started, only counts a credit. */
  private void feed() {
    if (credits.getAndIncrement() > 0) {
      return; // the loop below, further up this stack or on another thread, takes it
    }
    do {
      startNext();
    } while (credits.decrementAndGet() > 0);
  }

  /** The client went away: no more calls start, and queued ones are dropped. */
  void cancel() {
    cancelled = true;
    running.values().forEach(f -> f.cancel(false));
  }

  private void startNext() {
    while (!cancelled) {
      int i = next.getAndIncrement();
      if (i >= items.size()) {
        return;
      }
      JsonNode kwargs = items.get(i);
      if (kwargs.isObject()) {
        CompletableFuture<CallOutcome> call;
        long start = System.nanoTime();
        try {
          call = pool.submit(new CallRequest(fn.ref(), null, kwargs, null));
        } catch (RuntimeException | StackOverflowError e) {
          finished(i, unencodable(i, e));
          return;
        }
        running.put(i, call);
        call.thenAccept(
            outcome -> {
              metrics.record(fn.ref(), outcome, System.nanoTime() - start, CallMetrics.Mode.MAP);
              finished(i, envelope(outcome));
            });
        if (cancelled) {
          call.cancel(false);
        }
        return;
      }
      envelopes[i] =
          ResultEnvelope.failure(
              Problem.INVALID_REQUEST.body(
                  JSON,
                  "item " + i + " is not a JSON object of keyword arguments",
                  fn.ref().callName()));
      if (remaining.decrementAndGet() == 0) {
        answer();
        return;
      }
    }
  }

  private byte[] unencodable(int i, Throwable e) {
    return ResultEnvelope.failure(
        Problem.INVALID_REQUEST.body(
            JSON,
            "item " + i + " cannot be encoded for Python: " + e.getMessage(),
            fn.ref().callName()));
  }

  private void finished(int i, byte[] envelope) {
    running.remove(i);
    envelopes[i] = envelope;
    if (remaining.decrementAndGet() == 0) {
      answer();
    } else {
      feed();
    }
  }

  private byte[] envelope(CallOutcome outcome) {
    if (outcome instanceof CallOutcome.Success s) {
      return ResultEnvelope.success(s.json());
    }
    return ResultEnvelope.failure(
        Problem.body(JSON, (CallOutcome.Failure) outcome, fn.ref().callName()));
  }

  private void answer() {
    Buffer out = Buffer.buffer();
    out.appendByte((byte) '[');
    for (int i = 0; i < envelopes.length; i++) {
      if (i > 0) {
        out.appendByte((byte) ',');
      }
      out.appendBytes(envelopes[i]);
    }
    out.appendByte((byte) ']');
    done.accept(out);
  }
}
