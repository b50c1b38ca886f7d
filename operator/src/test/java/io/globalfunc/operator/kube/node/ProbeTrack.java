package io.globalfunc.operator.kube.node;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The kubelet's bookkeeping of one probe: initial delay, period, success and failure thresholds.
 */
final class ProbeTrack {

  /** Where a probe stands after a run (or a skipped, not-yet-due run). */
  enum Outcome {
    PENDING,
    PASSED,
    FAILED
  }

  private final Probe probe;
  private Instant next;
  private int failures;
  private int successes;
  private Outcome last = Outcome.PENDING;

  ProbeTrack(Probe probe) {
    this.probe = probe;
  }

  void reset(Instant start) {
    int delay =
        probe == null || probe.getInitialDelaySeconds() == null
            ? 0
            : probe.getInitialDelaySeconds();
    next = start.plusSeconds(delay);
    failures = 0;
    successes = 0;
    last = Outcome.PENDING;
  }

  /** Runs the probe if due; PASSED/FAILED once a threshold is crossed, else the last outcome. */
  Outcome run(Instant now, BooleanSupplier check) {
    if (probe == null || now.isBefore(next)) {
      return probe == null ? Outcome.PENDING : last;
    }
    next = now.plus(Duration.ofSeconds(value(probe.getPeriodSeconds(), 10)));
    if (check.getAsBoolean()) {
      failures = 0;
      successes++;
      if (successes >= value(probe.getSuccessThreshold(), 1)) {
        last = Outcome.PASSED;
      }
    } else {
      successes = 0;
      failures++;
      if (failures >= value(probe.getFailureThreshold(), 3)) {
        last = Outcome.FAILED;
      }
    }
    return last;
  }

  private static int value(Integer v, int fallback) {
    return v == null ? fallback : v;
  }
}
