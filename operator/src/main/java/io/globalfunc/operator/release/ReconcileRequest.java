package io.globalfunc.operator.release;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * A request to fetch a release now rather than at its next poll: the annotation {@value
 * #ANNOTATION} set to a new value (any text, a timestamp by habit), as a push hook or CI step does
 * after a push; the operator records the value it handled in {@code status.lastHandledReconcileAt},
 * as Flux does with its own annotation. As the release controller's update filter it lets through
 * exactly what needs a reconcile: a spec change (a new generation), a new request, a deletion;
 * never the operator's own status writes.
 */
public final class ReconcileRequest implements OnUpdateFilter<FunctionRelease> {

  /** The annotation a push hook sets. */
  public static final String ANNOTATION = "reconcile.globalfunc.io/requestedAt";

  @Override
  public boolean accept(FunctionRelease now, FunctionRelease before) {
    return !Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
        || !Objects.equals(requested(now), requested(before))
        || now.getMetadata().getDeletionTimestamp() != null
            && before.getMetadata().getDeletionTimestamp() == null;
  }

  /** The request's value on {@code release}, or null when none was made. */
  public static String requested(FunctionRelease release) {
    Map<String, String> annotations = release.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(ANNOTATION);
  }
}
