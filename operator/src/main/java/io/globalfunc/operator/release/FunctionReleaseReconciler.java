package io.globalfunc.operator.release;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.catalog.RepositoryClaim;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.core.library.LibraryException;
import io.globalfunc.operator.common.ApiServer;
import io.globalfunc.operator.common.EventRecorder;
import io.globalfunc.operator.common.Reason;
import io.globalfunc.operator.common.StatusPatch;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Reconciles a FunctionRelease: validate → read (fetch, read, introspect) → catalog → status.
 * Failures become {@code Ready=False} with a reason and a retry backed off by how long the
 * condition has been failing, never an exception loop; the reconciler keeps no state between calls.
 * No credential ever reaches a log, an Event or the status.
 */
@ControllerConfiguration(
    name = "functionrelease",
    // A release is also reconciled when asked (ReconcileRequest), which is no new generation.
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = ReconcileRequest.class))
public class FunctionReleaseReconciler implements Reconciler<FunctionRelease> {

  private static final Logger LOG = Logger.getLogger(FunctionReleaseReconciler.class);
  private static final Duration DEFAULT_POLL = Duration.ofMinutes(5);

  /** How soon a reconcile paused by an API server outage runs again. */
  private static final Duration PAUSED = Duration.ofSeconds(5);

  private final ReleaseSource source;
  private final Optional<ReleaseCatalog> catalog;
  private final EventRecorder events;
  private final BooleanSupplier mayWrite;

  public FunctionReleaseReconciler(
      KubernetesClient client,
      GitLibraryReader git,
      PythonIntrospector introspector,
      Optional<ReleaseCatalog> catalog,
      EventRecorder events,
      Path cacheRoot,
      BooleanSupplier mayWrite) {
    this.source = new ReleaseSource(client, git, introspector, cacheRoot);
    this.catalog = catalog;
    this.events = events;
    this.mayWrite = mayWrite;
  }

  @Override
  public UpdateControl<FunctionRelease> reconcile(
      FunctionRelease release, Context<FunctionRelease> context) {
    if (!mayWrite.getAsBoolean()) {
      // The API server is unreachable: a commit found now could not be recorded, and cataloguing
      // it ahead of the status would serve a commit no worker was told about. Poll once it is back.
      return UpdateControl.<FunctionRelease>noUpdate().rescheduleAfter(PAUSED);
    }
    Long generation = release.getMetadata().getGeneration();
    ReleaseStatusAggregator status =
        new ReleaseStatusAggregator(
            release.getStatus(), generation == null ? 0 : generation, Instant.now());
    FunctionReleaseSpec spec = release.getSpec();
    List<String> problems = ReleaseSpecValidator.problems(spec);
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      events.warning(release, Reason.INVALID_SPEC, message);
      status.invalidSpec(message);
      return finish(release, status, null);
    }
    read(release, status).ifPresent(snapshot -> publish(release, snapshot, status));
    status.handled(ReconcileRequest.requested(release));
    boolean pinned = ReleaseSource.pinned(spec);
    return finish(
        release,
        status,
        status.next(pinned, Durations.parse(spec.getPollInterval(), DEFAULT_POLL)));
  }

  /** The library at the resolved commit, or empty with the failure recorded in status. */
  private Optional<ReleaseSource.Snapshot> read(
      FunctionRelease release, ReleaseStatusAggregator status) {
    try {
      return Optional.of(source.read(release));
    } catch (LibraryException e) {
      failed(release, status, ReleaseStatusAggregator.reason(e.reason()), e.getMessage());
    } catch (ReleaseSource.MissingSecretException | GitSecrets.UnusableSecretException e) {
      failed(release, status, (Reason) e.reason(), e.getMessage());
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted() || ApiServer.unreachable(e)) {
        // The operator is stopping, or a Secret could not be read from an unreachable API
        // server: no verdict on the release; the SDK retries.
        throw e;
      }
      // Introspection (python) or an unexpected I/O problem: reported, retried, never rethrown.
      LOG.warnf("release %s: %s", name(release), e.toString());
      failed(
          release,
          status,
          Reason.READ_FAILED,
          "cannot read the library: " + e.getClass().getSimpleName());
    }
    return Optional.empty();
  }

  /**
   * Writes the catalog, then records the resolved commit; a release whose catalog space belongs to
   * another repository is refused before its commit is recorded, so no worker serves it.
   */
  private void publish(
      FunctionRelease release, ReleaseSource.Snapshot snapshot, ReleaseStatusAggregator status) {
    Consumer<ReleaseStatusAggregator> cataloged;
    try {
      cataloged = writeCatalog(release, snapshot);
    } catch (RepositoryClaim.Refused e) {
      String message =
          e.conflict()
              + "; nothing was saved. Give this release its own space, e.g. spec.space: "
              + e.ownSpace();
      LOG.infof("release %s refused: %s", name(release), message);
      events.warning(release, Reason.REPOSITORY_CONFLICT, message);
      status.repositoryConflict(message);
      return;
    }
    resolved(release, snapshot, status);
    cataloged.accept(status);
  }

  private void resolved(
      FunctionRelease release, ReleaseSource.Snapshot snapshot, ReleaseStatusAggregator status) {
    FunctionReleaseSpec spec = release.getSpec();
    String commit = snapshot.resolved().commit();
    int callable = snapshot.callable();
    status.resolved(
        snapshot.resolved().branch(),
        commit,
        ReleaseSource.pinned(spec),
        snapshot.library().files().size(),
        callable);
    if (status.commitMoved()) {
      events.normal(
          release,
          Reason.RESOLVED,
          spec.getBranch() + " is at " + commit + " (" + callable + " functions)");
    }
  }

  /**
   * Saves the release into its space (claimed for its repository first) and returns how to record
   * the outcome; a refused claim is thrown, a failed write is recorded and retried.
   */
  private Consumer<ReleaseStatusAggregator> writeCatalog(
      FunctionRelease release, ReleaseSource.Snapshot snapshot) {
    if (catalog.isEmpty()) {
      return ReleaseStatusAggregator::catalogDisabled;
    }
    try {
      int saved =
          catalog
              .get()
              .save(
                  release.getSpec().getSpace(),
                  snapshot.repository(),
                  snapshot.library(),
                  snapshot.infos());
      String commit = snapshot.library().commit();
      return s -> s.cataloged(saved, commit);
    } catch (RepositoryClaim.Refused e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.warnf("release %s: catalog write failed: %s", name(release), e.getMessage());
      events.warning(release, Reason.CATALOG_UNAVAILABLE, "catalog write failed; retrying");
      String errorClass = e.getClass().getSimpleName();
      return s -> s.catalogUnavailable(errorClass);
    }
  }

  private void failed(
      FunctionRelease release, ReleaseStatusAggregator status, Reason reason, String message) {
    LOG.infof("release %s not ready: %s: %s", name(release), reason, message);
    events.warning(release, reason, message);
    status.failed(reason, message);
  }

  private static UpdateControl<FunctionRelease> finish(
      FunctionRelease release, ReleaseStatusAggregator status, Duration again) {
    return StatusPatch.finish(
        release, release.getStatus(), status.kstatus().build(), again, FunctionRelease::new);
  }

  private static String name(FunctionRelease release) {
    return release.getMetadata().getNamespace() + "/" + release.getMetadata().getName();
  }
}
