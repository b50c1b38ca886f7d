package io.globalfunc.runtime.http;

import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.PoolStats;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.library.ServedLibrary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Prometheus metrics: per-function calls, errors and latency ({@code gf_calls_seconds} tagged by
 * function, outcome and mode), unknown-name requests, and the worker pool's gauges. Tags only ever
 * hold catalogued names, so cardinality is bounded by the library.
 */
@ApplicationScoped
public class CallMetrics {

  private final MeterRegistry registry;
  private final ServedLibrary library;
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
  private final Counter unknown;

  CallMetrics(MeterRegistry registry, ServedLibrary library) {
    this.registry = registry;
    this.library = library;
    this.unknown =
        Counter.builder("gf.calls.unknown")
            .description("Calls naming no served function")
            .register(registry);
    gauge("gf.pool.workers", s -> s.workers());
    gauge("gf.pool.ready", s -> s.ready());
    gauge("gf.pool.busy", s -> s.busy());
    gauge("gf.pool.queued", s -> s.queued());
    gauge("gf.pool.restarts", s -> s.restarts());
    gauge("gf.pool.crashes", s -> s.crashes());
    gauge("gf.pool.timeouts", s -> s.timeouts());
    gauge("gf.pool.recycled", s -> s.recycled());
  }

  private void gauge(String name, ToDoubleFunction<PoolStats> f) {
    Gauge.builder(
            name,
            library,
            l -> {
              WorkerPool p = l.pool();
              return p == null ? 0 : f.applyAsDouble(p.stats());
            })
        .register(registry);
  }

  public void unknown() {
    unknown.increment();
  }

  /** How a call came in: the {@code mode} tag of {@code gf_calls_seconds}. */
  public enum Mode {
    /** One call: {@code /gfgo/} or {@code POST /v1/functions/..}. */
    CALL,
    /** An item of {@code POST /v1/map/..}. */
    MAP,
    /** An item of a durable Redis batch. */
    BATCH,
    /** A tool call over MCP ({@code /mcp}). */
    MCP;

    String tag() {
      return name().toLowerCase();
    }
  }

  /** Records one call's outcome and latency. */
  public void record(FunctionRef ref, CallOutcome outcome, long nanos, Mode mode) {
    timer(ref, outcomeTag(outcome), mode).record(nanos, TimeUnit.NANOSECONDS);
  }

  private static String outcomeTag(CallOutcome outcome) {
    return outcome instanceof CallOutcome.Failure f ? f.kind().name().toLowerCase() : "ok";
  }

  private Timer timer(FunctionRef ref, String outcomeTag, Mode mode) {
    String key = ref.callName() + "|" + outcomeTag + "|" + mode.tag();
    return timers.computeIfAbsent(
        key,
        k ->
            Timer.builder("gf.calls")
                .description("Function calls by outcome and mode (call, map, batch)")
                .tag("function", ref.callName())
                .tag("outcome", outcomeTag)
                .tag("mode", mode.tag())
                .register(registry));
  }

  /**
   * Records the items of a frame group (a map request, a batch task): each with the group's mean
   * time per item, since the worker runs them back to back in frames.
   */
  public void recordGroup(
      FunctionRef ref, java.util.List<CallOutcome> outcomes, long nanos, Mode mode) {
    if (outcomes == null || outcomes.isEmpty()) {
      return;
    }
    long each = nanos / outcomes.size();
    // The timer of the last outcome's tag serves the next item too (a group's items mostly end
    // alike): one lookup per change of outcome instead of one per item.
    String lastTag = null;
    Timer timer = null;
    for (CallOutcome o : outcomes) {
      String tag = outcomeTag(o);
      if (!tag.equals(lastTag)) {
        timer = timer(ref, tag, mode);
        lastTag = tag;
      }
      timer.record(each, TimeUnit.NANOSECONDS);
    }
  }
}
