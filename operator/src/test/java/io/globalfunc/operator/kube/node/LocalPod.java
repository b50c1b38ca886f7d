package io.globalfunc.operator.kube.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * One pod run by the {@link LocalProcessNode}: init containers one after the other, then the
 * containers as local processes bound to the pod's own loopback address, probed, restarted per
 * {@code restartPolicy}, and stopped on deletion (SIGTERM, grace period, SIGKILL). Every change is
 * written to the pod's status subresource.
 */
final class LocalPod implements Runnable {

  private static final Logger LOG = Logger.getLogger(LocalPod.class);
  private static final Duration TICK = Duration.ofMillis(200);

  /** How often mounted Secrets are synced (a kubelet's default is about a minute). */
  private static final Duration SECRET_SYNC = Duration.ofSeconds(2);

  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private final KubernetesClient client;
  private final Pod pod;
  private final String ip;
  private final PodFiles files;
  private final Images images;
  private final String apiHost;
  private final int apiPort;
  private final List<LocalContainer> inits = new ArrayList<>();
  private final List<LocalContainer> containers = new ArrayList<>();
  private final Instant startTime = Instant.now();
  private volatile Duration stopGrace;
  private volatile boolean finished;
  private String phase = "Pending";
  private boolean initialized;
  private String lastWritten = "";

  LocalPod(
      KubernetesClient client,
      Pod pod,
      String ip,
      Path dir,
      Images images,
      String apiHost,
      int apiPort) {
    this.client = client;
    this.pod = pod;
    this.ip = ip;
    this.files = new PodFiles(client, pod, dir);
    this.images = images;
    this.apiHost = apiHost;
    this.apiPort = apiPort;
    Optional.ofNullable(pod.getSpec().getInitContainers())
        .orElse(List.of())
        .forEach(c -> inits.add(new LocalContainer(c)));
    pod.getSpec().getContainers().forEach(c -> containers.add(new LocalContainer(c)));
  }

  String uid() {
    return pod.getMetadata().getUid();
  }

  String ip() {
    return ip;
  }

  /** Asks the pod to stop with {@code grace} for its processes (a deletion). */
  void stop(Duration grace) {
    if (stopGrace == null) {
      stopGrace = grace;
    }
  }

  /** SIGKILL of every process at once: the test JVM is exiting. */
  void kill() {
    stopGrace = Duration.ZERO;
    containers.forEach(c -> c.stop(Duration.ZERO));
    inits.forEach(c -> c.stop(Duration.ZERO));
  }

  boolean finished() {
    return finished;
  }

  /** The pid of a running container's process, or -1. */
  long pid(String container) {
    return containers.stream()
        .filter(c -> c.spec.getName().equals(container))
        .findFirst()
        .map(LocalContainer::pid)
        .orElse(-1L);
  }

  @Override
  public void run() {
    try {
      files.materialize();
      writeStatus();
      if (runInits()) {
        initialized = true;
        containers.forEach(this::start);
        phase = "Running";
        superviseContainers();
      }
    } catch (RuntimeException e) {
      LOG.warnf(e, "pod %s failed on the test node", name());
    } finally {
      Duration grace = stopGrace == null ? Duration.ZERO : stopGrace;
      containers.parallelStream().forEach(c -> c.stop(grace));
      inits.forEach(c -> c.stop(Duration.ZERO));
      finished = true;
    }
  }

  /** Runs each init container to a successful exit; false when the pod failed or is stopping. */
  private boolean runInits() {
    for (LocalContainer init : inits) {
      start(init);
      while (stopGrace == null) {
        Integer code = init.reapExit();
        if (code != null && code == 0) {
          break;
        }
        if (code != null) {
          if ("Never".equals(restartPolicy())) {
            phase = "Failed";
            writeStatus();
            return false;
          }
          init.scheduleRestart();
        }
        if (init.restartDue()) {
          init.countRestart();
          start(init);
        }
        writeStatus();
        sleep();
      }
      if (stopGrace != null) {
        return false;
      }
    }
    return true;
  }

  private void superviseContainers() {
    Instant secretsSynced = Instant.now();
    while (stopGrace == null) {
      if (Instant.now().isAfter(secretsSynced.plus(SECRET_SYNC))) {
        secretsSynced = Instant.now();
        try {
          files.refreshSecrets();
        } catch (RuntimeException e) {
          // A kubelet logs a failed volume sync and keeps the pod running on the old content.
          LOG.debugf("pod %s: secret volume sync failed: %s", name(), e.getMessage());
        }
      }
      for (LocalContainer c : containers) {
        Integer code = c.reapExit();
        if (code != null && restarts(code)) {
          c.scheduleRestart();
        }
        if (c.probe(ip)) {
          LOG.infof("liveness probe failed: restarting %s/%s", name(), c.spec.getName());
          c.stop(Duration.ofSeconds(grace()));
          c.scheduleRestart();
        }
        if (c.restartDue()) {
          c.countRestart();
          start(c);
        }
      }
      if (containers.stream().allMatch(LocalContainer::terminated)
          && containers.stream().noneMatch(c -> restarts(c.exitCode()))) {
        phase = containers.stream().allMatch(c -> c.exitCode() == 0) ? "Succeeded" : "Failed";
        writeStatus();
        return;
      }
      writeStatus();
      sleep();
    }
  }

  private boolean restarts(int code) {
    return switch (restartPolicy()) {
      case "Never" -> false;
      case "OnFailure" -> code != 0;
      default -> true;
    };
  }

  private void start(LocalContainer c) {
    Container spec = c.spec;
    Optional<List<String>> argv = images.argv(spec);
    if (argv.isEmpty()) {
      c.waiting("ErrImagePull", "image " + spec.getImage() + " is not known to the test node");
      return;
    }
    Map<String, String> env = new LinkedHashMap<>(images.environment(spec));
    env.putAll(files.environment(spec, ip, apiHost, apiPort));
    // The image's entrypoint is a host path the node chose (e.g. the built jar), never a path in
    // the container: only the container's own args are expanded and mapped into its volumes.
    int entrypoint =
        argv.get().size() - Optional.ofNullable(spec.getArgs()).map(List::size).orElse(0);
    List<String> mapped = new ArrayList<>(argv.get().subList(0, entrypoint));
    argv.get().subList(entrypoint, argv.get().size()).stream()
        .map(a -> files.mapPath(spec, expand(a, env)))
        .forEach(mapped::add);
    // In a pod the process binds 0.0.0.0 (or the loopback) of its own network namespace, and its
    // containers reach each other on 127.0.0.1; here, the pod's address stands for both. Only the
    // ports the pod's own containers listen on move: 127.0.0.1 stays the host for anything else.
    for (String port : podPorts()) {
      env.replaceAll(
          (k, v) -> v.replaceAll("//127\\.0\\.0\\.1:" + port + "(?!\\d)", "//" + ip + ":" + port));
    }
    env.put("QUARKUS_HTTP_HOST", ip);
    c.start(mapped, env, files.home(), files.log(spec.getName()));
  }

  /** The ports the pod's containers listen on: their container ports and QUARKUS_HTTP_PORT. */
  private List<String> podPorts() {
    List<String> ports = new ArrayList<>();
    for (LocalContainer c : containers) {
      Optional.ofNullable(c.spec.getPorts())
          .orElse(List.of())
          .forEach(p -> ports.add(Integer.toString(p.getContainerPort())));
      Optional.ofNullable(c.spec.getEnv()).orElse(List.of()).stream()
          .filter(e -> "QUARKUS_HTTP_PORT".equals(e.getName()) && e.getValue() != null)
          .forEach(e -> ports.add(e.getValue()));
    }
    return ports;
  }

  /** The kubelet's {@code $(VAR)} expansion of a command or argument. */
  static String expand(String arg, Map<String, String> env) {
    Matcher m = VAR.matcher(arg);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String restartPolicy() {
    return Optional.ofNullable(pod.getSpec().getRestartPolicy()).orElse("Always");
  }

  private long grace() {
    return Optional.ofNullable(pod.getSpec().getTerminationGracePeriodSeconds()).orElse(30L);
  }

  private String name() {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private void writeStatus() {
    boolean ready =
        initialized && !containers.isEmpty() && containers.stream().allMatch(LocalContainer::ready);
    PodStatus status =
        new PodStatusBuilder()
            .withPhase(phase)
            .withHostIP(ip)
            .withPodIP(ip)
            .withPodIPs(new PodIPBuilder().withIp(ip).build())
            .withStartTime(startTime.toString())
            .withConditions(
                condition("PodScheduled", true),
                condition("Initialized", initialized),
                condition("ContainersReady", ready),
                condition("Ready", ready))
            .withInitContainerStatuses(inits.stream().map(LocalContainer::status).toList())
            .withContainerStatuses(containers.stream().map(LocalContainer::status).toList())
            .build();
    String json = Serialization.asJson(Map.of("status", status));
    if (json.equals(lastWritten)) {
      return;
    }
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), json);
      lastWritten = json;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        LOG.debugf("status of %s not written: %s", name(), e.getMessage());
      }
    }
  }

  private static PodCondition condition(String type, boolean status) {
    return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False").build();
  }

  private static void sleep() {
    try {
      Thread.sleep(TICK.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
