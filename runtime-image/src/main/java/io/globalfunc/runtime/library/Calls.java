package io.globalfunc.runtime.library;

import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.runtime.RuntimeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one call on the commit a lease holds: through the memo for a pure function, else straight to
 * that commit's workers; the lease ends when the outcome is known.
 */
@ApplicationScoped
public class Calls {

  /** A call's outcome and what answered it. */
  public record Answer(CallOutcome outcome, Provenance provenance) {}

  private final Memo memo;
  private final String worker;

  Calls(Memo memo, RuntimeConfig config) {
    this.memo = memo;
    this.worker = Provenance.identity(config.podName().orElse(null));
  }

  /** This runtime's identity, as in {@code GF-Worker}. */
  public String worker() {
    return worker;
  }

  public CompletableFuture<Answer> run(Lease lease, ServedFunction fn, CallRequest request) {
    if (!fn.info().pure() || !memo.enabled()) {
      return submit(lease, request)
          .thenApply(o -> new Answer(o, Provenance.of(lease, fn, worker, null)));
    }
    String key = memo.key(fn, request.args(), request.kwargs());
    return memo.get(key)
        .thenCompose(
            hit -> {
              if (hit != null) {
                lease.close();
                return CompletableFuture.completedFuture(
                    new Answer(
                        new CallOutcome.Success(hit), Provenance.of(lease, fn, worker, "hit")));
              }
              return submit(lease, request)
                  .thenApply(
                      o -> {
                        if (o instanceof CallOutcome.Success s) {
                          memo.put(key, s.json());
                        }
                        return new Answer(o, Provenance.of(lease, fn, worker, "miss"));
                      });
            });
  }

  private static CompletableFuture<CallOutcome> submit(Lease lease, CallRequest request) {
    return lease.library().pool().submit(request).whenComplete((o, e) -> lease.close());
  }
}
