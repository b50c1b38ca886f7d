package io.globalfunc.operator.common;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Kubernetes-style status conditions: set by type, transition time kept when nothing changes. */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";
  public static final String REDIS_UNAVAILABLE = "RedisUnavailable";
  public static final String PORT_RANGE_EXHAUSTED = "PortRangeExhausted";
  public static final String CATALOGED = "Cataloged";

  /** kstatus: True while the operator is still making the object match its spec. */
  public static final String RECONCILING = "Reconciling";

  /** kstatus: True while the operator cannot make progress without a change by the user. */
  public static final String STALLED = "Stalled";

  private Conditions() {}

  /**
   * Returns {@code current} with the condition of {@code type} set; the transition time moves (to
   * {@code now}) only when the status flips, so re-applying the same state yields an equal list
   * (and no patch).
   */
  public static List<Condition> set(
      List<Condition> current,
      String type,
      boolean status,
      Reason reason,
      String message,
      Long generation,
      Instant now) {
    List<Condition> out = new ArrayList<>(current == null ? List.of() : current);
    String value = status ? "True" : "False";
    Optional<Condition> old = out.stream().filter(c -> type.equals(c.getType())).findFirst();
    String since =
        old.filter(c -> value.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElseGet(() -> now.truncatedTo(ChronoUnit.SECONDS).toString());
    Condition next =
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason.label())
            .withMessage(message == null ? "" : message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build();
    old.ifPresentOrElse(c -> out.set(out.indexOf(c), next), () -> out.add(next));
    return out;
  }

  /** The condition of a type, if present. */
  public static Optional<Condition> get(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** True when the condition of {@code type} has status {@code True}. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    return get(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** The reason of a condition, or null. */
  public static String reason(List<Condition> conditions, String type) {
    return get(conditions, type).map(Condition::getReason).orElse(null);
  }
}
