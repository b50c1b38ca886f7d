package io.globalfunc.operator.kube.node;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.globalfunc.operator.kube.KubeControlPlane;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * A test node: test code that plays scheduler and kubelet for one Node of the real control plane.
 * It binds pending pods whose node selector it matches, runs them as local processes ({@link
 * LocalPod}: each pod its own loopback address 127.x.y.z as podIP), writes their status, keeps its
 * Node Lease fresh so the node lifecycle controller never evicts, and finishes deletions as a
 * kubelet does. A pod that fails Pod Security "restricted" is refused (status Failed), since a
 * local process cannot enforce what the pod's security context promises.
 */
public final class LocalProcessNode implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LocalProcessNode.class);
  private static final String LEASES = "kube-node-lease";

  private final KubeControlPlane kube;
  private final KubernetesClient client;
  private final String name;
  private final Map<String, String> labels;
  private final Images images;
  private final Path root;
  private final Set<String> namespaces;
  private final Map<String, LocalPod> pods = new ConcurrentHashMap<>();
  private final Map<String, Boolean> deleting = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService podThreads = Executors.newCachedThreadPool();
  private final AtomicInteger nextIp = new AtomicInteger(2);
  private final Thread reaper = new Thread(() -> pods.values().forEach(LocalPod::kill));
  private final int ipBlock = 16 + (int) (ProcessHandle.current().pid() % 200);

  private LocalProcessNode(
      KubeControlPlane kube, String name, Images images, Path root, Set<String> namespaces) {
    this.kube = kube;
    this.namespaces = Set.copyOf(namespaces);
    this.client = kube.adminClient();
    this.name = name;
    this.labels = Map.of("kubernetes.io/hostname", name, "kubernetes.io/os", "linux");
    this.images = images;
    this.root = root;
  }

  /**
   * Registers node {@code name} and starts running the pods bound to it. Test classes share one
   * control plane, so a node takes pending pods from {@code namespaces} only (its tests').
   */
  public static LocalProcessNode start(
      KubeControlPlane kube, String name, Images images, String... namespaces) {
    try {
      Path root = Files.createTempDirectory("gf-node-" + name + "-");
      LocalProcessNode node = new LocalProcessNode(kube, name, images, root, Set.of(namespaces));
      node.register();
      // A test JVM that exits without close() must not leave the pods' processes behind.
      Runtime.getRuntime().addShutdownHook(node.reaper);
      node.loop.scheduleWithFixedDelay(node::renewLease, 0, 10, TimeUnit.SECONDS);
      node.loop.scheduleWithFixedDelay(node::syncSafely, 0, 250, TimeUnit.MILLISECONDS);
      return node;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public String name() {
    return name;
  }

  /** The loopback address a running pod got, if this node runs it. */
  public Optional<String> podIp(Pod pod) {
    return Optional.ofNullable(pods.get(pod.getMetadata().getUid())).map(LocalPod::ip);
  }

  /** The pid of a container of a pod this node runs, or -1. */
  public long pid(Pod pod, String container) {
    LocalPod p = pods.get(pod.getMetadata().getUid());
    return p == null ? -1 : p.pid(container);
  }

  /** The last lines of every container log of the pods this node ran in {@code namespace}. */
  public String logs(String namespace, int lines) {
    StringBuilder out = new StringBuilder();
    try (var dirs = Files.list(root)) {
      for (Path dir :
          dirs.filter(d -> d.getFileName().toString().startsWith(namespace + "_")).toList()) {
        Path logs = dir.resolve("logs");
        if (!Files.isDirectory(logs)) {
          continue;
        }
        try (var files = Files.list(logs)) {
          for (Path log : files.toList()) {
            List<String> all = Files.readAllLines(log);
            out.append("==> ")
                .append(dir.getFileName())
                .append('/')
                .append(log.getFileName())
                .append('\n');
            all.subList(Math.max(0, all.size() - lines), all.size())
                .forEach(l -> out.append(l).append('\n'));
          }
        }
      }
    } catch (java.io.IOException e) {
      out.append("(logs unreadable: ").append(e.getMessage()).append(")");
    }
    return out.toString();
  }

  private void register() {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .createOr(n -> n.update());
    String now = Instant.now().toString();
    Map<String, Object> status =
        Map.of(
            "status",
            Map.of(
                "conditions",
                List.of(
                    Map.of(
                        "type", "Ready",
                        "status", "True",
                        "reason", "KubeletReady",
                        "message", "test node running pods as local processes",
                        "lastHeartbeatTime", now,
                        "lastTransitionTime", now)),
                "capacity",
                Map.of("cpu", "64", "memory", "512Gi", "pods", "250"),
                "allocatable",
                Map.of("cpu", "64", "memory", "512Gi", "pods", "250")));
    client
        .nodes()
        .withName(name)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(status));
  }

  private void renewLease() {
    try {
      client
          .leases()
          .inNamespace(LEASES)
          .resource(
              new LeaseBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(LEASES)
                  .endMetadata()
                  .withNewSpec()
                  .withHolderIdentity(name)
                  .withLeaseDurationSeconds(40)
                  .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                  .endSpec()
                  .build())
          .createOr(l -> l.update());
    } catch (KubernetesClientException e) {
      LOG.debugf("lease of node %s not renewed: %s", name, e.getMessage());
    }
  }

  private void syncSafely() {
    try {
      sync();
    } catch (RuntimeException e) {
      LOG.debugf("test node %s sync: %s", name, e.getMessage());
    }
  }

  /** One pass: bind what is ours to take, start new pods, finish deletions, drop vanished pods. */
  private void sync() {
    List<Pod> all = client.pods().inAnyNamespace().list().getItems();
    for (Pod pod : all) {
      String node = pod.getSpec().getNodeName();
      if ((node == null || node.isEmpty()) && pod.getMetadata().getDeletionTimestamp() == null) {
        if (selects(pod)) {
          bind(pod);
        }
      } else if (name.equals(node)) {
        own(pod);
      }
    }
    var live = all.stream().map(p -> p.getMetadata().getUid()).toList();
    pods.keySet().stream()
        .filter(uid -> !live.contains(uid))
        .toList()
        .forEach(uid -> pods.remove(uid).stop(Duration.ZERO));
  }

  private boolean selects(Pod pod) {
    if (!namespaces.isEmpty() && !namespaces.contains(pod.getMetadata().getNamespace())) {
      return false;
    }
    Map<String, String> selector =
        Optional.ofNullable(pod.getSpec().getNodeSelector()).orElse(Map.of());
    return labels.entrySet().containsAll(selector.entrySet());
  }

  private void bind(Pod pod) {
    client
        .bindings()
        .inNamespace(pod.getMetadata().getNamespace())
        .resource(
            new BindingBuilder()
                .withNewMetadata()
                .withName(pod.getMetadata().getName())
                .endMetadata()
                .withNewTarget()
                .withApiVersion("v1")
                .withKind("Node")
                .withName(name)
                .endTarget()
                .build())
        .create();
  }

  private void own(Pod pod) {
    String uid = pod.getMetadata().getUid();
    LocalPod running = pods.get(uid);
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      finishDeletion(pod, running);
      return;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (running != null || "Failed".equals(phase) || "Succeeded".equals(phase)) {
      return;
    }
    List<String> violations = RestrictedPodSecurity.violations(pod);
    if (!violations.isEmpty()) {
      refuse(pod, "violates PodSecurity \"restricted\": " + String.join(", ", violations));
      return;
    }
    String ip =
        "127." + ipBlock + "." + (nextIp.get() / 250) + "." + (nextIp.getAndIncrement() % 250 + 2);
    LocalPod local =
        new LocalPod(
            client,
            pod,
            ip,
            root.resolve(
                pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName() + "_" + uid),
            images,
            apiHost(),
            apiPort());
    pods.put(uid, local);
    podThreads.submit(local);
  }

  /** SIGTERM, grace, SIGKILL (in the pod's thread), then the final delete a kubelet sends. */
  private void finishDeletion(Pod pod, LocalPod running) {
    if (running != null) {
      long grace =
          Optional.ofNullable(pod.getMetadata().getDeletionGracePeriodSeconds()).orElse(30L);
      running.stop(Duration.ofSeconds(grace));
      if (!running.finished()) {
        return;
      }
    }
    if (deleting.putIfAbsent(pod.getMetadata().getUid(), true) != null) {
      return;
    }
    podThreads.submit(
        () -> {
          try {
            client.resource(pod).withGracePeriod(0).delete();
          } finally {
            pods.remove(pod.getMetadata().getUid());
            deleting.remove(pod.getMetadata().getUid());
          }
        });
  }

  private void refuse(Pod pod, String message) {
    Map<String, Object> status =
        Map.of("status", Map.of("phase", "Failed", "reason", "PodSecurity", "message", message));
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(status));
    LOG.infof("test node refused %s: %s", pod.getMetadata().getName(), message);
  }

  private String apiHost() {
    return URI.create(kube.url()).getHost();
  }

  private int apiPort() {
    return URI.create(kube.url()).getPort();
  }

  /** Stops every pod at once (SIGKILL after 5 s), removes the Node. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // Closed from a shutdown hook (TestNodeMain on Ctrl-C): the reaper runs beside it.
    }
    loop.shutdownNow();
    pods.values().forEach(p -> p.stop(Duration.ofSeconds(5)));
    podThreads.shutdown();
    try {
      podThreads.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      client.nodes().withName(name).delete();
    } finally {
      client.close();
      KubeControlPlane.deleteTree(root);
    }
  }
}
