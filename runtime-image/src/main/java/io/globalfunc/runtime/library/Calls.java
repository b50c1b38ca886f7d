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

  /**
   * The answer of a call; cancelling it cancels the call in the pool (dropped if not started). May
   * throw, with the lease ended, when the arguments cannot be encoded for Python.
   */
  public CompletableFuture<Answer> run(Lease lease, ServedFunction fn, CallRequest request) {
    if (!fn.info().pure() || !memo.enabled()) {
      CompletableFuture<CallOutcome> call = submit(lease, request);
      return cancelling(
          call.thenApply(o -> new Answer(o, Provenance.of(lease, fn, worker, null))), call);
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
                  .thenCompose(
                      o -> {
                        Answer a = new Answer(o, Provenance.of(lease, fn, worker, "miss"));
                        return o instanceof CallOutcome.Success s
                            ? memo.put(key, s.json()).thenApply(v -> a)
                            : CompletableFuture.completedFuture(a);
                      });
            });
  }

  /** {@code answer}, whose cancellation also cancels {@code call}. */
  private static <T> CompletableFuture<T> cancelling(
      CompletableFuture<T> answer, CompletableFuture<?> call) {
    answer.whenComplete(
        (a, e) -> {
          if (answer.isCancelled()) {
            call.cancel(false);
          }
        });
    return answer;
  }

  private static CompletableFuture<CallOutcome> submit(Lease lease, CallRequest request) {
    return ServedLibrary.submit(lease, request);
  }
}
