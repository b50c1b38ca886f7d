package io.globalfunc.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.operator.common.EventRecorder;
import io.globalfunc.operator.endpoints.EndpointRegistry;
import io.globalfunc.operator.release.FunctionReleaseReconciler;
import io.globalfunc.operator.release.ReleaseCatalog;
import io.globalfunc.operator.worker.GlobalFuncWorkerReconciler;
import io.globalfunc.operator.worker.PortAllocator;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
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

  /** The CRDs as the build generated them (fabric8 crd-generator), on the classpath. */
  public static final List<String> CRD_RESOURCES =
      List.of(
          "META-INF/fabric8/functionreleases.globalfunc.io-v1.yml",
          "META-INF/fabric8/globalfuncworkers.globalfunc.io-v1.yml");

  @Inject KubernetesClient client;
  @Inject EndpointRegistry registry;
  @Inject Instance<ReleaseCatalog> catalog;
  @Inject LeaderElection election;

  @ConfigProperty(name = "gf.operator.enabled", defaultValue = "true")
  boolean enabled;

  @ConfigProperty(name = "gf.catalog.enabled", defaultValue = "true")
  boolean catalogEnabled;

  @ConfigProperty(name = "gf.operator.namespaces", defaultValue = "")
  Optional<String> namespaces;

  @ConfigProperty(name = "gf.operator.apply-crds", defaultValue = "false")
  boolean applyCrds;

  @ConfigProperty(name = "gf.operator.reconcile-threads", defaultValue = "16")
  int threads;

  @ConfigProperty(name = "gf.endpoints.resync", defaultValue = "30s")
  Duration resync;

  @ConfigProperty(name = "gf.git.cache-dir", defaultValue = "/tmp/gf-git-cache")
  Path gitCache;

  @ConfigProperty(name = "gf.python", defaultValue = "python3")
  String python;

  private final PortAllocator ports = new PortAllocator();
  private Operator operator;

  void start(@Observes StartupEvent event) {
    if (!enabled) {
      LOG.info("operator disabled (gf.operator.enabled=false)");
      return;
    }
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
            gitCache),
        namespaces(watched));
    operator.register(
        new GlobalFuncWorkerReconciler(client, ports, registry, events, resync),
        namespaces(watched));
    operator.start();
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

  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata>
      Consumer<ControllerConfigurationOverrider<R>> namespaces(Set<String> watched) {
    return o -> {
      if (watched.isEmpty()) {
        o.watchingAllNamespaces();
      } else {
        o.settingNamespaces(watched);
      }
    };
  }

  private void applyCrds() {
    for (String resource : CRD_RESOURCES) {
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
        CustomResourceDefinition crd =
            client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .resource(crd)
            .createOr(op -> op.update());
        awaitServed(crd);
      } catch (Exception e) {
        throw new IllegalStateException("cannot apply CRD " + resource, e);
      }
    }
  }

  /**
   * Waits until the API server lists the CRD's resources: an updated CRD's endpoint answers 404 for
   * a moment while the server rebuilds it, and an informer started then fails for good.
   */
  private void awaitServed(CustomResourceDefinition crd) throws InterruptedException {
    var version =
        crd.getSpec().getVersions().stream()
            .filter(v -> Boolean.TRUE.equals(v.getStorage()))
            .findFirst()
            .orElseThrow();
    var context =
        new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
            .withGroup(crd.getSpec().getGroup())
            .withVersion(version.getName())
            .withPlural(crd.getSpec().getNames().getPlural())
            .withKind(crd.getSpec().getNames().getKind())
            .withNamespaced("Namespaced".equals(crd.getSpec().getScope()))
            .build();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        client
            .genericKubernetesResources(context)
            .inAnyNamespace()
            .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 404 || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }
}
