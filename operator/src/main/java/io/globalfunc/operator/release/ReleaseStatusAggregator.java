package io.globalfunc.operator.release;

import io.fabric8.kubernetes.api.model.Condition;
import io.globalfunc.core.library.LibraryException;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.common.Reason;
import io.globalfunc.operator.common.StatusPatch;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a FunctionRelease's status from what one reconcile observed, and when to look again. Pure
 * (the clock is passed in), so every transition a user can see is unit-tested. The retry back-off
 * is read from the failing condition's {@code lastTransitionTime}: the operator keeps no
 * per-release memory, and a restart resumes the same back-off.
 */
public final class ReleaseStatusAggregator {

  /** Failures the operator outlasts by retrying: the Git server down or unreachable. */
  static final Set<Reason> TRANSIENT =
      EnumSet.of(Reason.REPOSITORY_UNREACHABLE, Reason.FETCH_FAILED);

  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration MAX_RETRY = Duration.ofMinutes(5);

  private final FunctionReleaseStatus status;
  private final long generation;
  private final Instant now;
  private final String previousCommit;

  /** Starts from a copy of {@code current} (nullable) for the spec's {@code generation}. */
  public ReleaseStatusAggregator(FunctionReleaseStatus current, long generation, Instant now) {
    this.status = StatusPatch.copy(current, FunctionReleaseStatus::new);
    this.generation = generation;
    this.now = now;
    this.previousCommit = status.getCommit();
    status.setObservedGeneration(generation);
  }

  /** The spec breaks a rule: nothing is fetched; the last good commit stays. */
  public ReleaseStatusAggregator invalidSpec(String message) {
    return ready(false, Reason.INVALID_SPEC, message);
  }

  /** Fetching or reading failed: the last good commit stays, so running workers keep serving it. */
  public ReleaseStatusAggregator failed(Reason reason, String message) {
    return ready(false, reason, message);
  }

  /** The branch (or pin) resolved to {@code commit} with this many files and callable functions. */
  public ReleaseStatusAggregator resolved(
      String branch, String commit, boolean pinned, int files, int functions) {
    status.setCommit(commit);
    status.setBranch(branch);
    status.setFiles(files);
    status.setFunctions(functions);
    status.setLastResolved(now.truncatedTo(ChronoUnit.SECONDS).toString());
    return ready(true, Reason.RESOLVED, (pinned ? "pinned commit " : branch + " at ") + commit);
  }

  /**
   * The catalog space belongs to another repository: the release is refused whole (Ready and
   * Cataloged False, nothing saved) and the last good commit stays, as for a fetch failure.
   */
  public ReleaseStatusAggregator repositoryConflict(String message) {
    ready(false, Reason.REPOSITORY_CONFLICT, message);
    return cataloged(false, Reason.REPOSITORY_CONFLICT, message);
  }

  /** The catalog holds {@code saved} functions at {@code commit}. */
  public ReleaseStatusAggregator cataloged(int saved, String commit) {
    return cataloged(true, Reason.SAVED, saved + " functions saved at " + commit);
  }

  /** The operator runs without a catalog. */
  public ReleaseStatusAggregator catalogDisabled() {
    return cataloged(
        false, Reason.CATALOG_DISABLED, "catalog writing is disabled (gf.catalog.enabled=false)");
  }

  /** The catalog write failed with an error of this class (its message may hold addresses). */
  public ReleaseStatusAggregator catalogUnavailable(String errorClass) {
    return cataloged(false, Reason.CATALOG_UNAVAILABLE, "catalog write failed: " + errorClass);
  }

  /**
   * This reconcile fetched in answer to the request {@code requested} ({@link ReconcileRequest});
   * null (none made) leaves what was recorded.
   */
  public ReleaseStatusAggregator handled(String requested) {
    if (requested != null) {
      status.setLastHandledReconcileAt(requested);
    }
    return this;
  }

  /** True when this reconcile resolved a commit other than the one in status before. */
  public boolean commitMoved() {
    return status.getCommit() != null && !status.getCommit().equals(previousCommit);
  }

  /**
   * When to reconcile next: a failure backs off, an invalid spec waits for an edit, a pinned
   * release has nothing to poll, a followed branch is polled every {@code poll}.
   */
  public Duration next(boolean pinned, Duration poll) {
    List<Condition> conditions = status.getConditions();
    Condition ready = Conditions.get(conditions, Conditions.READY).orElse(null);
    if (ready != null && "False".equals(ready.getStatus())) {
      return Reason.INVALID_SPEC.label().equals(ready.getReason()) ? null : backoff(ready);
    }
    Condition catalog = Conditions.get(conditions, Conditions.CATALOGED).orElse(null);
    if (catalog != null && Reason.CATALOG_UNAVAILABLE.label().equals(catalog.getReason())) {
      return backoff(catalog);
    }
    return pinned ? null : poll;
  }

  /**
   * kstatus' conditions. Stalled: Ready is False and waits on the user (a bad URL, branch,
   * credentials or library) while the operator retries with back-off. Reconciling: Ready is False
   * for a reason that passes on its own ({@link #TRANSIENT}: the Git server or the network), so a
   * GitOps tool waits instead of reporting a failure. Called last.
   */
  public ReleaseStatusAggregator kstatus() {
    Conditions.get(status.getConditions(), Conditions.READY)
        .ifPresent(
            c -> {
              boolean failing = "False".equals(c.getStatus());
              Reason reason = Reason.of(c.getReason());
              boolean retrying = failing && TRANSIENT.contains(reason);
              set(Conditions.STALLED, failing && !retrying, reason, c.getMessage());
              set(
                  Conditions.RECONCILING,
                  retrying,
                  reason,
                  retrying ? "retrying: " + c.getMessage() : c.getMessage());
            });
    return this;
  }

  /** The status to write. */
  public FunctionReleaseStatus build() {
    return status;
  }

  /**
   * 5 s, then as long again as the condition has been failing, capped at 5 min: retries at about 5
   * s, 10 s, 20 s, 40 s ... after the failure began.
   */
  Duration backoff(Condition failing) {
    Duration failingFor;
    try {
      failingFor = Duration.between(Instant.parse(failing.getLastTransitionTime()), now);
    } catch (DateTimeParseException | NullPointerException e) {
      failingFor = Duration.ZERO; // a hand-edited status: start the back-off afresh
    }
    if (failingFor.compareTo(FIRST_RETRY) < 0) {
      return FIRST_RETRY;
    }
    return failingFor.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : failingFor;
  }

  /** The condition reason of a library failure. */
  public static Reason reason(LibraryException.Reason reason) {
    return switch (reason) {
      case BRANCH_NOT_FOUND -> Reason.BRANCH_NOT_FOUND;
      case COMMIT_NOT_FOUND -> Reason.COMMIT_NOT_FOUND;
      case AUTHENTICATION_FAILED -> Reason.AUTHENTICATION_FAILED;
      case REPOSITORY_UNREACHABLE -> Reason.REPOSITORY_UNREACHABLE;
      case NOT_A_LIBRARY -> Reason.NOT_A_LIBRARY;
      case IO -> Reason.FETCH_FAILED;
    };
  }

  private ReleaseStatusAggregator ready(boolean value, Reason reason, String message) {
    return set(Conditions.READY, value, reason, message);
  }

  private ReleaseStatusAggregator cataloged(boolean value, Reason reason, String message) {
    return set(Conditions.CATALOGED, value, reason, message);
  }

  private ReleaseStatusAggregator set(String type, boolean value, Reason reason, String message) {
    status.setConditions(
        Conditions.set(status.getConditions(), type, value, reason, message, generation, now));
    return this;
  }
}
