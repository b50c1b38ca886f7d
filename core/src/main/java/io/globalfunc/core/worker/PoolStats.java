package io.globalfunc.core.worker;

/**
 * A pool's counters and gauges for health and metrics; {@code ready} counts usable workers only.
 */
public record PoolStats(
    int workers,
    int ready,
    int busy,
    int queued,
    long restarts,
    long crashes,
    long timeouts,
    long recycled) {}
