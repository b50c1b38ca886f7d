package io.globalfunc.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.operator.common.ApiServer;
import io.globalfunc.operator.common.EventRecorder;
import io.globalfunc.operator.endpoints.EndpointRegistry;
import io.globalfunc.operator.release.FunctionReleaseReconciler;
import io.globalfunc.operator.release.ReleaseCatalog;
import io.globalfunc.operator.worker.BatchAgentContainer.RedisSecret;
import io.globalfunc.operator.worker.GlobalFuncWorkerReconciler;
import io.globalfunc.operator.worker.PortAllocator;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the Java Operator SDK inside Quarkus with the two reconcilers, and stops it on shutdown.
 * Wiring only: what each reconciler does lives in its package.
 */
@ApplicationScoped
public class OperatorRuntime {

  private static final Logger LOG = Logger.getLogger(OperatorRuntime.class);
  private static final GenericRetry RETRY =
      new GenericRetry()
          .setInitialInterval(Duration.ofSeconds(2))
          .setIntervalMultiplier(2)
          .setMaxInterval(Duration.ofMinutes(1).toMillis())
          .withoutMaxAttempts();

  @Inject KubernetesClient client;
  @Inject EndpointRegistry registry;
  @Inject Instance<ReleaseCatalog> catalog;
  @Inject LeaderElection election;
  @Inject ApiServer apiServer;

  @ConfigProperty(name = "gf.operator.enabled", defaultValue = "true")
  boolean enabled;

  @ConfigProperty(name = "gf.catalog.enabled", defaultValue = "true")
  boolean catalogEnabled;

  @ConfigProperty(name = "gf.operator.namespaces", defaultValue = "")
  Optional<String> namespaces;

  @ConfigProperty(name = "gf.operator.apply-crds", defaultValue = "false")
  boolean applyCrds;

  /**
   * The chart's pre-upgrade hook: write the CRDs this build carries, then exit (no reconciling).
   */
  @ConfigProperty(name = "gf.operator.crds-only", defaultValue = "false")
  boolean crdsOnly;

  @ConfigProperty(name = "gf.operator.reconcile-threads", defaultValue = "16")
  int threads;

  @ConfigProperty(name = "gf.endpoints.resync", defaultValue = "30s")
  Duration resync;

  @ConfigProperty(name = "gf.git.cache-dir", defaultValue = "/tmp/gf-git-cache")
  Path gitCache;

  @ConfigProperty(name = "gf.python", defaultValue = "python3")
  String python;

  /** The Secret (in each watched namespace) the chart fills with the Redis URI of batches. */
  @ConfigProperty(name = "gf.batch.redis-secret")
  Optional<String> batchRedisSecret;

  @ConfigProperty(name = "gf.batch.redis-secret-key", defaultValue = "redis-uri")
  String batchRedisSecretKey;

  private final PortAllocator ports = new PortAllocator();
  private volatile Operator operator;
  private volatile boolean starting = true;

  void start(@Observes StartupEvent event) {
    if (crdsOnly) {
      upgradeCrdsAndExit();
      return;
    }
    if (!enabled) {
      LOG.info("operator disabled (gf.operator.enabled=false)");
      return;
    }
    if (!apiServerAnswers()) {
      return;
    }
    apiServer.watch(election::apiServerBack);
    if (applyCrds) {
      applyCrds();
    }
    EventRecorder events = new EventRecorder(client);
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withConcurrentReconciliationThreads(threads)
                  // Status is patched with JSON merge patches: works on every API server.
                  .withUseSSAToPatchPrimaryResource(false)
                  .checkingCRDAndValidateLocalModel(false);
              // With several replicas only the Lease holder reconciles; the others stay warm.
              election.configuration().ifPresent(o::withLeaderElectionConfiguration);
            });
    Set<String> watched = watchedNamespaces();
    operator.register(
        new FunctionReleaseReconciler(
            client,
            new GitLibraryReader(ZoneOffset.UTC),
            new PythonIntrospector(python),
            catalogEnabled ? Optional.of(catalog.get()) : Optional.empty(),
            events,
            gitCache,
            this::mayWrite),
        controller(watched));
    operator.register(
        new GlobalFuncWorkerReconciler(
            client,
            ports,
            registry,
            events,
            resync,
            batchRedisSecret
                .filter(s -> !s.isBlank())
                .map(s -> new RedisSecret(s, batchRedisSecretKey))
                .orElse(null),
            this::mayWrite),
        controller(watched));
    operator.start();
    starting = false;
    LOG.infof(
        "GlobalFunc operator started as %s, watching %s",
        election.configuration().isPresent() ? election.identity() : "the only replica",
        watched.isEmpty() ? "all namespaces" : String.join(",", watched));
  }

  /** Stops reconciling first, then hands the Lease to a standby replica. */
  void stop(@Observes ShutdownEvent event) {
    if (operator != null) {
      election.stopping();
      operator.stop();
      election.release(client);
    }
  }

  /** The running operator, for health checks. */
  public Optional<Operator> operator() {
    return Optional.ofNullable(operator);
  }

  /** True while an enabled operator has not started yet (it may be waiting for the server). */
  public boolean starting() {
    return enabled && !crdsOnly && starting && operator == null;
  }

  /**
   * Reconcilers write to Kubernetes only while the API server answers and this replica has not lost
   * its Lease; otherwise they keep the endpoint registry fresh from their caches.
   */
  private boolean mayWrite() {
    return apiServer.reachable() && !election.lost();
  }

  /** The API server this operator talks to, for health checks. */
  public ApiServer apiServer() {
    return apiServer;
  }

  /**
   * Waits (bounded) for the API server; when it never answered, says so in one line and exits
   * non-zero, so Kubernetes restarts the operator (with back-off) instead of it hanging unready.
   */
  private boolean apiServerAnswers() {
    try {
      if (apiServer.awaitAtStart()) {
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.errorf(
        "Kubernetes API server %s unreachable for %d s (%s); exiting so Kubernetes restarts the"
            + " operator",
        apiServer.url(),
        apiServer.startupWait().toSeconds(),
        apiServer.state().map(ApiServer.State::problem).orElse("no answer"));
    starting = false;
    Quarkus.asyncExit(1);
    return false;
  }

  /** The port allocator shared by all workers. */
  public PortAllocator ports() {
    return ports;
  }

  private Set<String> watchedNamespaces() {
    return Arrays.stream(namespaces.orElse("").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
  }

  /**
   * Namespaces, and a retry that never gives up: the SDK's default stops after 5 attempts (about 26
   * s) and then waits its 10 h maximum interval, so a resource whose reconcile failed through an
   * outage would not be reconciled again (nor its Git branch polled) until something changed it.
   * Like controller-runtime's, back-off is capped (1 min) instead.
   */
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata>
      Consumer<ControllerConfigurationOverrider<R>> controller(Set<String> watched) {
    return o -> {
      o.withRetry(RETRY);
      if (watched.isEmpty()) {
        o.watchingAllNamespaces();
      } else {
        o.settingNamespaces(watched);
      }
    };
  }

  /** Test profile: the CRDs written and served before the informers start. */
  private void applyCrds() {
    try {
      for (CustomResourceDefinition crd : OwnCrds.write(client)) {
        OwnCrds.awaitServed(client, crd);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the CRDs", e);
    }
  }

  /**
   * Helm never upgrades a chart's {@code crds/}: its pre-upgrade hook runs this image with {@code
   * GF_OPERATOR_CRDS_ONLY=true}, so the CRDs always match the operator that is about to start.
   */
  private void upgradeCrdsAndExit() {
    int code = 0;
    try {
      OwnCrds.upgrade(client);
    } catch (RuntimeException e) {
      LOG.errorf("cannot write the CRDs: %s", e.getMessage());
      code = 1;
    }
    Quarkus.asyncExit(code);
  }
}
