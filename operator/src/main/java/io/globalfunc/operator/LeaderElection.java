package io.globalfunc.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.globalfunc.operator.common.ApiServer;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Leader election between operator replicas through a coordination.k8s.io Lease (the Java Operator
 * SDK's own election): every replica starts its informers, only the Lease holder reconciles. A
 * replica that stops gracefully hands the Lease back, so the standby takes over at its next retry
 * instead of waiting for the Lease to expire; a crashed one is replaced once it expires; one that
 * lost the Lease while running exits: at once when the API server answers (another replica may
 * lead), or, when it lost the Lease because the server is unreachable, as soon as the server
 * answers again; until then it writes nothing to Kubernetes and keeps the endpoint registry fresh
 * from its caches, so an outage longer than the endpoints' TTL does not empty the registry.
 */
@ApplicationScoped
public class LeaderElection {

  private static final Logger LOG = Logger.getLogger(LeaderElection.class);

  @ConfigProperty(name = "gf.operator.leader-election.enabled", defaultValue = "false")
  boolean enabled;

  @ConfigProperty(name = "gf.operator.leader-election.lease-name", defaultValue = "gf-operator")
  String leaseName;

  /** Where the Lease lives: the operator's own namespace (the chart sets it from the pod). */
  @ConfigProperty(name = "gf.operator.leader-election.namespace")
  Optional<String> namespace;

  /** The first part of the identity: the pod name (the chart sets it), else HOSTNAME. */
  @ConfigProperty(name = "gf.operator.leader-election.identity")
  Optional<String> identity;

  /**
   * Per process, like controller-runtime's {@code <host>_<uuid>}: a container restarted in place
   * keeps its pod name but must not mistake the dead process's Lease for its own.
   */
  private final String instance = UUID.randomUUID().toString().substring(0, 8);

  private volatile boolean stopping;
  private volatile boolean lost;
  private final AtomicBoolean exiting = new AtomicBoolean();

  @Inject ApiServer apiServer;

  @ConfigProperty(name = "gf.operator.leader-election.lease-duration", defaultValue = "15s")
  Duration leaseDuration;

  @ConfigProperty(name = "gf.operator.leader-election.renew-deadline", defaultValue = "10s")
  Duration renewDeadline;

  @ConfigProperty(name = "gf.operator.leader-election.retry-period", defaultValue = "2s")
  Duration retryPeriod;

  /** The SDK's configuration, or empty when this replica reconciles alone. */
  public Optional<LeaderElectionConfiguration> configuration() {
    if (!enabled) {
      return Optional.empty();
    }
    return Optional.of(
        new LeaderElectionConfiguration(
            leaseName,
            namespace.filter(ns -> !ns.isBlank()).orElse(null),
            leaseDuration,
            renewDeadline,
            retryPeriod,
            identity(),
            new LeaderCallbacks(
                () -> LOG.infof("leading as %s (lease %s)", identity(), leaseName),
                this::stoppedLeading,
                leader -> LOG.infof("lease %s held by %s", leaseName, leader)),
            // Not the SDK's exit: it would also run while the operator stops gracefully, where
            // System.exit inside a shutdown hook blocks until SIGKILL and the Lease is never
            // handed back. stoppedLeading exits only when the Lease was lost.
            false));
  }

  /** Called by the operator before it stops, so losing the Lease then is expected. */
  public void stopping() {
    stopping = true;
  }

  /**
   * The Lease was lost (not renewed in time, or taken): exit, so Kubernetes restarts this replica
   * as a standby and it never reconciles next to the new leader. A graceful stop is not a loss.
   */
  private void stoppedLeading() {
    if (stopping) {
      return;
    }
    lost = true;
    if (!apiServer.answersNow()) {
      LOG.warnf(
          "lost lease %s as %s while the API server is unreachable; writing nothing to Kubernetes"
              + " and keeping worker endpoints registered until it answers, then exiting to"
              + " restart as a standby",
          leaseName, identity());
      return;
    }
    exit();
  }

  /** True once this replica lost the Lease: it must write nothing more to Kubernetes. */
  public boolean lost() {
    return lost;
  }

  /** The API server answers again: a replica that lost the Lease meanwhile exits now. */
  public void apiServerBack() {
    if (lost && !stopping) {
      exit();
    }
  }

  private void exit() {
    if (!exiting.compareAndSet(false, true)) {
      return;
    }
    LOG.errorf("lost lease %s as %s; exiting to restart as a standby", leaseName, identity());
    // From another thread: the caller's thread must not wait for the shutdown it starts.
    Thread exit = new Thread(() -> System.exit(1), "gf-lost-lease");
    exit.start();
  }

  /** This process's identity in the Lease: {@code <pod>_<random>}. */
  public String identity() {
    return identity
            .filter(id -> !id.isBlank())
            .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")))
            .orElse("gf-operator")
        + "_"
        + instance;
  }

  /**
   * Hands the Lease back after the operator stopped, when this replica holds it: an empty holder
   * lets a standby acquire it at once. The update carries the read resourceVersion, so a Lease
   * another replica took meanwhile is left alone.
   */
  public void release(KubernetesClient client) {
    if (!enabled) {
      return;
    }
    try {
      Lease lease = lease(client);
      if (lease == null || !identity().equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      client.resource(lease).update();
      LOG.infof("released lease %s", leaseName);
    } catch (KubernetesClientException e) {
      LOG.warnf("could not release lease %s (it expires by itself): %s", leaseName, e.getMessage());
    }
  }

  private Lease lease(KubernetesClient client) {
    String ns = namespace.filter(n -> !n.isBlank()).orElse(client.getNamespace());
    return client.leases().inNamespace(ns).withName(leaseName).get();
  }
}
