package io.globalfunc.operator.common;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The one way both reconcilers write status: patch only when it differs from what was read (an
 * equal status makes no API call and no event loop), and reschedule when asked.
 */
public final class StatusPatch {

  private StatusPatch() {}

  /** A mutable copy of {@code status}, or a fresh one when there is none yet. */
  public static <S> S copy(S status, Supplier<S> fresh) {
    return status == null ? fresh.get() : Serialization.clone(status);
  }

  /**
   * The control for {@code resource} whose status was {@code before} and is now {@code after};
   * {@code again} (nullable) is when to reconcile next.
   */
  public static <P, S, R extends CustomResource<P, S>> UpdateControl<R> finish(
      R resource, S before, S after, Duration again, Supplier<R> empty) {
    UpdateControl<R> control;
    if (Serialization.asJson(before).equals(Serialization.asJson(after))) {
      control = UpdateControl.noUpdate();
    } else {
      R patch = empty.get();
      patch.setMetadata(resource.getMetadata());
      patch.setSpec(resource.getSpec());
      patch.setStatus(after);
      control = UpdateControl.patchStatus(patch);
    }
    return again == null ? control : control.rescheduleAfter(again);
  }
}
