package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.JsonItem;
import io.globalfunc.runtime.http.CallMetrics;
import io.globalfunc.runtime.library.Lease;
import io.globalfunc.runtime.library.ServedFunction;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One {@code /v1/map} request: its valid items run in worker frames through the runtime's
 * interactive {@link FrameFeeder}, invalid ones are answered in place without a call, and the
 * envelopes go to {@code done} in input order.
 */
final class MapRun {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FrameFeeder feeder;
  private final ServedFunction fn;
  private final List<JsonNode> items;
  private final Consumer<Buffer> done;
  private volatile FrameFeeder.Group group;

  private final CallMetrics metrics;
  private final CallMetrics.Mode mode;
  private final Lease lease;
  private final Map<String, String> provenance;
  private final AtomicBoolean leaseEnded = new AtomicBoolean();

  /** Items of one request on the commit {@code lease} holds; envelopes carry {@code provenance}. */
  MapRun(
      FrameFeeder feeder,
      CallMetrics.Mode mode,
      CallMetrics metrics,
      Lease lease,
      Map<String, String> provenance,
      ServedFunction fn,
      List<JsonNode> items,
      Consumer<Buffer> done) {
    this.lease = lease;
    this.provenance = provenance;
    this.feeder = feeder;
    this.metrics = metrics;
    this.mode = mode;
    this.fn = fn;
    this.items = items;
    this.done = done;
  }

  void start() {
    byte[][] envelopes = new byte[items.size()][];
    List<Integer> valid = new ArrayList<>();
    List<JsonItem> kwargs = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).isObject()) {
        valid.add(i);
        kwargs.add(JsonItem.of(items.get(i)));
      } else {
        envelopes[i] = invalid(i);
      }
    }
    long start = System.nanoTime();
    group = feeder.run(fn.ref(), kwargs);
    group
        .outcomes()
        .thenAccept(
            outcomes -> {
              metrics.recordGroup(fn.ref(), outcomes, System.nanoTime() - start, mode);
              byte[] fields = ResultEnvelope.fields(provenance);
              for (int v = 0; v < valid.size(); v++) {
                envelopes[valid.get(v)] =
                    ResultEnvelope.annotate(envelope(outcomes.get(v)), fields);
              }
              endLease();
              done.accept(join(envelopes));
            });
  }

  /** The client went away: items not yet written to a worker are dropped. */
  void cancel() {
    endLease();
    FrameFeeder.Group g = group;
    if (g != null) {
      g.cancel();
    }
  }

  /** Ends the lease once (answered or cancelled), so a retired commit can stop its workers. */
  private void endLease() {
    if (leaseEnded.compareAndSet(false, true)) {
      lease.close();
    }
  }

  private byte[] invalid(int i) {
    return ResultEnvelope.failure(
        Problem.INVALID_REQUEST.body(
            JSON, "item " + i + " is not a JSON object of keyword arguments", fn.ref().callName()));
  }

  private byte[] envelope(CallOutcome outcome) {
    if (outcome instanceof CallOutcome.Success s) {
      return ResultEnvelope.success(s.json());
    }
    return ResultEnvelope.failure(
        Problem.body(JSON, (CallOutcome.Failure) outcome, fn.ref().callName()));
  }

  private static Buffer join(byte[][] envelopes) {
    Buffer out = Buffer.buffer();
    out.appendByte((byte) '[');
    for (int i = 0; i < envelopes.length; i++) {
      if (i > 0) {
        out.appendByte((byte) ',');
      }
      out.appendBytes(envelopes[i]);
    }
    out.appendByte((byte) ']');
    return out;
  }
}
