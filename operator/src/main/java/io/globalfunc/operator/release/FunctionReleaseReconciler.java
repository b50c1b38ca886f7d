package io.globalfunc.operator.release;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.GitCredentials;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryException;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.common.EventRecorder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Reconciles a FunctionRelease: resolves its branch (or checks its pinned commit) with JGit, reads
 * the library at that commit, writes the catalog, and reports the commit. Failures become {@code
 * Ready=False} with a reason and a retry with exponential backoff, never an exception loop; no
 * credential ever reaches a log, an Event or the status.
 */
@ControllerConfiguration(name = "functionrelease")
public class FunctionReleaseReconciler implements Reconciler<FunctionRelease> {

  private static final Logger LOG = Logger.getLogger(FunctionReleaseReconciler.class);
  private static final Pattern SPACE = Pattern.compile("[A-Za-z0-9_-]{1,60}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration MAX_RETRY = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final GitLibraryReader git;
  private final PythonIntrospector introspector;
  private final Optional<ReleaseCatalog> catalog;
  private final EventRecorder events;
  private final Path cacheRoot;
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  public FunctionReleaseReconciler(
      KubernetesClient client,
      GitLibraryReader git,
      PythonIntrospector introspector,
      Optional<ReleaseCatalog> catalog,
      EventRecorder events,
      Path cacheRoot) {
    this.client = client;
    this.git = git;
    this.introspector = introspector;
    this.catalog = catalog;
    this.events = events;
    this.cacheRoot = cacheRoot;
  }

  @Override
  public UpdateControl<FunctionRelease> reconcile(
      FunctionRelease release, Context<FunctionRelease> context) {
    String uid = release.getMetadata().getUid();
    long generation =
        release.getMetadata().getGeneration() == null ? 0 : release.getMetadata().getGeneration();
    FunctionReleaseStatus before = copy(release.getStatus());
    FunctionReleaseStatus status = copy(release.getStatus());
    status.setObservedGeneration(generation);
    FunctionReleaseSpec spec = release.getSpec();

    List<String> problems = problems(spec);
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      events.warning(release, "InvalidSpec", message);
      status.setConditions(
          Conditions.set(
              status.getConditions(), Conditions.READY, false, "InvalidSpec", message, generation));
      return finish(release, before, status, null);
    }
    Duration poll = Durations.parse(spec.getPollInterval(), Duration.ofMinutes(5));
    boolean pinned = spec.getCommit() != null && !spec.getCommit().isBlank();

    GitLibraryReader.Resolved resolved;
    Library library;
    Map<FunctionRef, FunctionInfo> infos;
    try {
      GitCredentials credentials = credentials(release);
      resolved =
          git.fetch(
              spec.getRepository().getUrl(),
              spec.getBranch(),
              pinned ? spec.getCommit() : null,
              credentials,
              cacheRoot);
      library =
          subset(
              git.read(resolved, GitLibraryReader.redact(spec.getRepository().getUrl())),
              spec.getPackages());
      infos = introspector.describe(library);
    } catch (LibraryException e) {
      return failed(release, before, status, reason(e.reason()), e.getMessage(), generation);
    } catch (MissingSecretException | GitSecrets.UnusableSecretException e) {
      return failed(release, before, status, "SecretNotFound", e.getMessage(), generation);
    } catch (RuntimeException e) {
      // Introspection (python) or an unexpected I/O problem: reported, retried, never rethrown.
      LOG.warnf(
          "release %s/%s: %s",
          release.getMetadata().getNamespace(), release.getMetadata().getName(), e.toString());
      return failed(
          release,
          before,
          status,
          "ReadFailed",
          "cannot read the library: " + e.getClass().getSimpleName(),
          generation);
    }

    int callable = (int) infos.values().stream().filter(FunctionInfo::callable).count();
    String previous = status.getCommit();
    status.setCommit(resolved.commit());
    status.setBranch(resolved.branch());
    status.setFiles(library.files().size());
    status.setFunctions(callable);
    status.setLastResolved(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    if (!resolved.commit().equals(previous)) {
      events.normal(
          release,
          "Resolved",
          spec.getBranch() + " is at " + resolved.commit() + " (" + callable + " functions)");
    }
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            Conditions.READY,
            true,
            "Resolved",
            (pinned ? "pinned commit " : spec.getBranch() + " at ") + resolved.commit(),
            generation));

    boolean catalogOk = writeCatalog(release, status, library, infos, generation);
    failures.remove(uid);
    Duration next = catalogOk ? (pinned ? null : poll) : backoff(uid);
    return finish(release, before, status, next);
  }

  private boolean writeCatalog(
      FunctionRelease release,
      FunctionReleaseStatus status,
      Library library,
      Map<FunctionRef, FunctionInfo> infos,
      long generation) {
    if (catalog.isEmpty()) {
      status.setConditions(
          Conditions.set(
              status.getConditions(),
              Conditions.CATALOGED,
              false,
              "CatalogDisabled",
              "catalog writing is disabled (gf.catalog.enabled=false)",
              generation));
      return true;
    }
    try {
      int saved = catalog.get().save(release.getSpec().getSpace(), library, infos);
      status.setConditions(
          Conditions.set(
              status.getConditions(),
              Conditions.CATALOGED,
              true,
              "Saved",
              saved + " functions saved at " + library.commit(),
              generation));
      return true;
    } catch (RuntimeException e) {
      LOG.warnf(
          "release %s: catalog write failed: %s", release.getMetadata().getName(), e.getMessage());
      events.warning(release, "CatalogUnavailable", "catalog write failed; retrying");
      status.setConditions(
          Conditions.set(
              status.getConditions(),
              Conditions.CATALOGED,
              false,
              "CatalogUnavailable",
              "catalog write failed: " + e.getClass().getSimpleName(),
              generation));
      return false;
    }
  }

  private UpdateControl<FunctionRelease> failed(
      FunctionRelease release,
      FunctionReleaseStatus before,
      FunctionReleaseStatus status,
      String reason,
      String message,
      long generation) {
    LOG.infof(
        "release %s/%s not ready: %s: %s",
        release.getMetadata().getNamespace(), release.getMetadata().getName(), reason, message);
    events.warning(release, reason, message);
    // The last good commit stays in status so running workers keep serving it.
    status.setConditions(
        Conditions.set(
            status.getConditions(), Conditions.READY, false, reason, message, generation));
    return finish(release, before, status, backoff(release.getMetadata().getUid()));
  }

  /** 5 s, 10 s, 20 s ... capped at 5 min, per release. */
  Duration backoff(String uid) {
    int n = failures.merge(uid, 1, Integer::sum);
    long seconds = FIRST_RETRY.toSeconds() << Math.min(n - 1, 10);
    return Duration.ofSeconds(Math.min(seconds, MAX_RETRY.toSeconds()));
  }

  private GitCredentials credentials(FunctionRelease release) {
    var ref = release.getSpec().getRepository().getSecretRef();
    if (ref == null || ref.getName() == null) {
      return null;
    }
    Secret secret =
        client
            .secrets()
            .inNamespace(release.getMetadata().getNamespace())
            .withName(ref.getName())
            .get();
    if (secret == null) {
      throw new MissingSecretException("Secret " + ref.getName() + " not found");
    }
    return GitSecrets.credentials(secret);
  }

  /** A missing credentials Secret. */
  static class MissingSecretException extends RuntimeException {
    MissingSecretException(String message) {
      super(message);
    }
  }

  static Library subset(Library library, List<String> packages) {
    if (packages == null || packages.isEmpty()) {
      return library;
    }
    return new Library(
        library.source(),
        library.branch(),
        library.commit(),
        library.files().stream()
            .filter(f -> packages.stream().anyMatch(p -> f.path().startsWith(p + "/")))
            .toList());
  }

  static String reason(LibraryException.Reason reason) {
    return switch (reason) {
      case BRANCH_NOT_FOUND -> "BranchNotFound";
      case COMMIT_NOT_FOUND -> "CommitNotFound";
      case AUTHENTICATION_FAILED -> "AuthenticationFailed";
      case REPOSITORY_UNREACHABLE -> "RepositoryUnreachable";
      case NOT_A_LIBRARY -> "NotALibrary";
      case IO -> "FetchFailed";
    };
  }

  static List<String> problems(FunctionReleaseSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return List.of("spec is required");
    }
    if (spec.getSpace() == null || !SPACE.matcher(spec.getSpace()).matches()) {
      problems.add("spec.space must be 1-60 letters, digits, '_' or '-'");
    }
    if (spec.getRepository() == null
        || spec.getRepository().getUrl() == null
        || spec.getRepository().getUrl().isBlank()) {
      problems.add("spec.repository.url is required");
    } else if (!spec.getRepository().getUrl().matches("^(https?|file)://.+$")) {
      problems.add("spec.repository.url must be an http(s):// or file:// URL");
    } else if (spec.getRepository().getUrl().matches("^[a-z]+://[^/]*@.*")) {
      problems.add("spec.repository.url must not carry credentials; use repository.secretRef");
    }
    if (spec.getBranch() == null || spec.getBranch().isBlank()) {
      problems.add("spec.branch is required");
    }
    if (spec.getCommit() != null
        && !spec.getCommit().isBlank()
        && !COMMIT.matcher(spec.getCommit()).matches()) {
      problems.add("spec.commit must be 7-40 lower-case hex digits");
    }
    return problems;
  }

  private UpdateControl<FunctionRelease> finish(
      FunctionRelease release,
      FunctionReleaseStatus before,
      FunctionReleaseStatus after,
      Duration again) {
    UpdateControl<FunctionRelease> control;
    if (Serialization.asJson(before).equals(Serialization.asJson(after))) {
      control = UpdateControl.noUpdate();
    } else {
      FunctionRelease patch = new FunctionRelease();
      patch.setMetadata(release.getMetadata());
      patch.setSpec(release.getSpec());
      patch.setStatus(after);
      control = UpdateControl.patchStatus(patch);
    }
    return again == null ? control : control.rescheduleAfter(again);
  }

  private static FunctionReleaseStatus copy(FunctionReleaseStatus status) {
    return status == null ? new FunctionReleaseStatus() : Serialization.clone(status);
  }
}
