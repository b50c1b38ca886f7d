package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The batch-agent container of a worker pod: the runtime image in {@code GF_BATCH_AGENT} mode, the
 * only container that mounts the Secret holding the Redis URI (as a file it names in {@code
 * GF_REDIS_URI_FILE}). It consumes the release's batch stream and runs each task on the pod's
 * runtime container over loopback, so the runtime and its Python workers hold no credentials. Pure.
 */
public final class BatchAgentContainer {

  public static final String NAME = "batch-agent";
  static final String SECRET_VOLUME = "batch-redis";
  static final String TMP_VOLUME = "batch-agent-tmp";
  static final String SECRET_DIR = "/var/run/secrets/globalfunc/redis";
  static final String URI_FILE = "redis-uri";

  /**
   * The agent listens on loopback at the runtime's port plus this offset (minus it near the top of
   * the port space): apart from the runtime's and the fetch agent's ports ({@link
   * FetchAgentContainer#PORT_OFFSET}).
   */
  static final int PORT_OFFSET = 20000;

  /** The Secret key that holds the Redis URI: the operator's default or a worker's own. */
  public record RedisSecret(String name, String key) {}

  private BatchAgentContainer() {}

  static int port(int runtimePort) {
    return runtimePort + PORT_OFFSET <= 65535
        ? runtimePort + PORT_OFFSET
        : runtimePort - PORT_OFFSET;
  }

  /**
   * The Secret the pods' agent mounts: the worker's {@code spec.batch.redisSecretRef}, else the
   * operator's default; none (no agent) when batches are turned off or no Secret is known.
   */
  static Optional<RedisSecret> secret(BatchSpec batch, RedisSecret operatorDefault) {
    if (batch != null && Boolean.FALSE.equals(batch.getEnabled())) {
      return Optional.empty();
    }
    if (batch != null && batch.getRedisSecretRef() != null) {
      BatchSpec.RedisSecretRef ref = batch.getRedisSecretRef();
      return Optional.of(
          new RedisSecret(ref.getName(), ref.getKey() == null ? URI_FILE : ref.getKey()));
    }
    return Optional.ofNullable(operatorDefault);
  }

  /**
   * What the worker's status says of batches: who consumes them on its pods, or why nobody does (a
   * namespace without the chart's Secret would otherwise take no batches without a word).
   */
  static String describe(BatchSpec batch, RedisSecret operatorDefault) {
    if (batch != null && Boolean.FALSE.equals(batch.getEnabled())) {
      return "off: spec.batch.enabled is false";
    }
    return secret(batch, operatorDefault)
        .map(
            s ->
                "a batch agent per pod, with the Redis URI of Secret "
                    + s.name()
                    + " (key "
                    + s.key()
                    + "; if that Secret is missing in this namespace, the agents consume nothing)")
        .orElse(
            "off: no Redis Secret known (set spec.batch.redisSecretRef, or install the operator"
                + " with the chart's batch Secret)");
  }

  /**
   * The Secret as a volume holding one file, {@code redis-uri}: optional, so a namespace without it
   * still gets serving pods (the agent then says it has no Redis and consumes nothing).
   */
  static Volume secretVolume(RedisSecret secret) {
    return new VolumeBuilder()
        .withName(SECRET_VOLUME)
        .withNewSecret()
        .withSecretName(secret.name())
        .withItems(new KeyToPathBuilder().withKey(secret.key()).withPath(URI_FILE).build())
        .withOptional(true)
        .withDefaultMode(0440)
        .endSecret()
        .build();
  }

  /** The agent's own writable /tmp (the root is read-only; nothing shared with the runtime). */
  static Volume tmpVolume() {
    return new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build();
  }

  /**
   * {@code containers} (the runtime's first) plus the agent when the worker's batch spec or the
   * operator's default {@code redis} (may be null) names a Secret.
   */
  static List<Container> with(
      List<Container> containers,
      GlobalFuncWorkerSpec spec,
      ReleaseView release,
      int port,
      RedisSecret redis) {
    if (secret(spec.getBatch(), redis).isEmpty()) {
      return containers;
    }
    List<Container> all = new ArrayList<>(containers);
    String timeout = spec.getTimeoutSeconds() == null ? null : spec.getTimeoutSeconds() + "s";
    all.add(build(WorkerPodBuilder.image(spec), spec.getBatch(), release, port, timeout));
    return all;
  }

  /** {@code volumes} plus the Secret's and the agent's /tmp when a Secret is named. */
  static List<Volume> with(List<Volume> volumes, GlobalFuncWorkerSpec spec, RedisSecret redis) {
    List<Volume> all = new ArrayList<>(volumes);
    secret(spec.getBatch(), redis)
        .ifPresent(
            s -> {
              all.add(secretVolume(s));
              all.add(tmpVolume());
            });
    return all;
  }

  static Container build(
      String image, BatchSpec batch, ReleaseView release, int runtimePort, String timeout) {
    BatchSpec spec = batch == null ? new BatchSpec() : batch;
    List<EnvVar> env = new ArrayList<>();
    env.add(WorkerPodBuilder.env("GF_BATCH_AGENT", "true"));
    env.add(WorkerPodBuilder.env("GF_RUNTIME_URL", "http://127.0.0.1:" + runtimePort));
    env.add(WorkerPodBuilder.env("GF_REDIS_URI_FILE", SECRET_DIR + "/" + URI_FILE));
    env.add(WorkerPodBuilder.env("GF_SPACE", release.space()));
    env.add(WorkerPodBuilder.env("GF_BRANCH", release.branch()));
    env.add(WorkerPodBuilder.env("GF_BATCH_TASKS", Integer.toString(tasks(spec))));
    if (timeout != null) {
      env.add(WorkerPodBuilder.env("GF_TIMEOUT", timeout)); // reclaim idle: timeout + 10 s
    }
    env.add(WorkerPodBuilder.env("QUARKUS_HTTP_HOST", "127.0.0.1"));
    env.add(WorkerPodBuilder.env("QUARKUS_HTTP_PORT", Integer.toString(port(runtimePort))));
    env.add(WorkerPodBuilder.env("TZ", "UTC"));
    return new ContainerBuilder()
        .withName(NAME)
        .withImage(image)
        .withEnv(env)
        .withNewResources()
        .withRequests(requests(spec))
        .withLimits(limits(spec))
        .endResources()
        .withVolumeMounts(
            WorkerPodBuilder.mount(SECRET_VOLUME, SECRET_DIR, true),
            WorkerPodBuilder.mount(TMP_VOLUME, "/tmp", false))
        .withSecurityContext(WorkerPodBuilder.restricted())
        .build();
  }

  private static int tasks(BatchSpec spec) {
    return spec.getTasks() == null ? 8 : spec.getTasks();
  }

  private static String memory(BatchSpec spec) {
    return spec.getResources() == null || spec.getResources().getMemory() == null
        ? "384Mi"
        : spec.getResources().getMemory();
  }

  private static Map<String, Quantity> limits(BatchSpec spec) {
    Map<String, Quantity> limits = new LinkedHashMap<>();
    limits.put("memory", new Quantity(memory(spec)));
    if (spec.getResources() != null && spec.getResources().getCpu() != null) {
      limits.put("cpu", new Quantity(spec.getResources().getCpu()));
    }
    return limits;
  }

  private static Map<String, Quantity> requests(BatchSpec spec) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("memory", new Quantity(memory(spec)));
    boolean cpuLimit = spec.getResources() != null && spec.getResources().getCpu() != null;
    requests.put("cpu", new Quantity(cpuLimit ? spec.getResources().getCpu() : "50m"));
    return requests;
  }
}
