package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.worker.BatchAgentContainer.RedisSecret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the desired Pod of one worker replica on one port: an init container that fetches the
 * release's pinned commit with the Git credentials into a shared volume, the runtime container that
 * serves it without ever seeing a credential, the fetch agent ({@link FetchAgentContainer}) and,
 * with batches, the batch agent ({@link BatchAgentContainer}). Pure: same inputs, same Pod.
 *
 * <p>The env contract with the runtime image is in docs/operator.md ("Runtime image contract").
 * {@code GF_COMMIT} comes from the pod's {@code globalfunc.io/commit} annotation (downward API), so
 * a new commit is switched in place ({@link ReleaseSwitcher}), not rolled. All run as the image's
 * uid 10001 with a read-only root and a writable /tmp.
 */
public final class WorkerPodBuilder {

  public static final String LIBRARY_DIR = "/library";
  public static final String INIT_CONTAINER = "fetch-library";
  public static final String RUNTIME_CONTAINER = "runtime";
  public static final String PORT_NAME = "http";

  /** Numeric non-root user the pods run as: the runtime image's {@code gf} user. */
  public static final long RUN_AS_USER = 10001L;

  /** Git mirrors of the init container: inside the writable /tmp volume (the root is read-only). */
  public static final String CACHE_DIR = "/tmp/globalfunc-cache";

  /** The Python workers' working folder, where files functions write land. */
  public static final String WORK_DIR = "/tmp/globalfunc-work";

  /** Where the init container reads the release's Git credentials (a Secret volume). */
  public static final String GIT_SECRET_DIR = "/var/run/secrets/globalfunc/git";

  private static final String GIT_SECRET_VOLUME = "git-credentials";

  private WorkerPodBuilder() {}

  /** The desired pod of {@code worker} on {@code port}, serving {@code release}. */
  public static Pod build(GlobalFuncWorker worker, ReleaseView release, int port) {
    return build(worker, release, port, null);
  }

  /** As above, plus a batch agent if the worker or the operator's {@code redis} names a Secret. */
  public static Pod build(
      GlobalFuncWorker worker, ReleaseView release, int port, RedisSecret redis) {
    GlobalFuncWorkerSpec spec = worker.getSpec();
    PodIdentity id = PodIdentity.of(worker.getMetadata().getName(), spec, port);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(id.podName())
            .withNamespace(worker.getMetadata().getNamespace())
            .withLabels(labels(worker, port))
            .withAnnotations(new LinkedHashMap<>(orEmpty(spec.getPodAnnotations())))
            .addToAnnotations(Labels.IDENTITY, id.identity())
            .addToAnnotations(Labels.COMMIT, release.commit())
            .withOwnerReferences(worker.asOwner())
            .endMetadata()
            .withNewSpec()
            .withAutomountServiceAccountToken(false)
            .withEnableServiceLinks(false)
            .withRestartPolicy("Always")
            .withTerminationGracePeriodSeconds(gracePeriodSeconds(spec))
            .withNodeSelector(nodeSelector(spec))
            .withImagePullSecrets(orEmpty(spec.getImagePullSecrets()))
            .withTolerations(orEmpty(spec.getTolerations()))
            .withAffinity(spec.getAffinity())
            .withPriorityClassName(spec.getPriorityClassName())
            .withSecurityContext(
                new PodSecurityContextBuilder()
                    .withRunAsNonRoot(true)
                    .withRunAsUser(RUN_AS_USER)
                    .withRunAsGroup(RUN_AS_USER)
                    .withFsGroup(RUN_AS_USER)
                    .withNewSeccompProfile()
                    .withType("RuntimeDefault")
                    .endSeccompProfile()
                    .build())
            .withInitContainers(initContainer(spec, release))
            .withContainers(
                BatchAgentContainer.with(
                    containers(spec, release, port), spec, release, port, redis))
            .withVolumes(BatchAgentContainer.with(volumes(release), spec, redis))
            .endSpec()
            .build();
    pod.getSpec().getVolumes().add(ReleaseTokens.volume(worker.getMetadata().getName()));
    pod.getMetadata().getAnnotations().put(Labels.SPEC_HASH, hash(pod));
    return pod;
  }

  /** The labels of a worker's pod on a port; the Service selects on {@link Labels#WORKER}. */
  public static Map<String, String> labels(GlobalFuncWorker worker, int port) {
    Map<String, String> labels = new LinkedHashMap<>(orEmpty(worker.getSpec().getPodLabels()));
    labels.putAll(selectorLabels(worker)); // the operator's labels always win
    labels.put(Labels.NAME, Labels.WORKER_APP);
    labels.put(Labels.INSTANCE, worker.getMetadata().getName());
    labels.put(Labels.COMPONENT, "runtime");
    labels.put(Labels.RELEASE, worker.getSpec().getRelease());
    labels.put(Labels.PORT, Integer.toString(port));
    return labels;
  }

  /** The labels that select exactly one worker's pods. */
  public static Map<String, String> selectorLabels(GlobalFuncWorker worker) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.MANAGED_BY, Labels.OPERATOR);
    labels.put(Labels.WORKER, worker.getMetadata().getName());
    return labels;
  }

  /** The selector as a string, for the scale subresource. */
  public static String selector(GlobalFuncWorker worker) {
    List<String> parts = new ArrayList<>();
    selectorLabels(worker).forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  /**
   * A digest of everything in the pod that a change of release commit or worker spec can move; pods
   * whose annotation differs from the desired one are replaced, one at a time.
   */
  static String hash(Pod pod) {
    Map<String, Object> material = new LinkedHashMap<>();
    material.put("spec", pod.getSpec());
    material.put("labels", pod.getMetadata().getLabels());
    material.put("identity", pod.getMetadata().getAnnotations().get(Labels.IDENTITY));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Serialization.asJson(material).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> nodeSelector(GlobalFuncWorkerSpec spec) {
    Map<String, String> selector = new LinkedHashMap<>();
    if (spec.getNodeSelector() != null) {
      selector.putAll(spec.getNodeSelector());
    }
    if (spec.getNode() != null && !spec.getNode().isBlank()) {
      selector.put("kubernetes.io/hostname", spec.getNode());
    }
    return selector;
  }

  private static Container initContainer(GlobalFuncWorkerSpec spec, ReleaseView release) {
    List<EnvVar> env = new ArrayList<>();
    env.add(env("GF_FETCH_ONLY", "true"));
    env.add(env("GF_REPOSITORY_URL", release.url()));
    env.add(env("GF_BRANCH", release.branch()));
    env.add(ReleaseSwitcher.commitEnv());
    env.add(env("GF_FETCH_TARGET", LIBRARY_DIR));
    env.add(env("GF_CACHE_DIR", CACHE_DIR));
    env.add(env("TZ", "UTC"));
    env.addAll(gitSecretEnv(release));
    return new ContainerBuilder()
        .withName(INIT_CONTAINER)
        .withImage(image(spec))
        .withEnv(env)
        .withNewResources()
        .addToRequests("memory", new Quantity("256Mi"))
        .addToRequests("cpu", new Quantity("100m"))
        .addToLimits("memory", new Quantity("512Mi"))
        .endResources()
        .withVolumeMounts(initMounts(release))
        .withSecurityContext(restricted())
        .build();
  }

  /**
   * The runtime, reading the release token, and the fetch agent that keeps the mirror it switches
   * commits and serves refs from.
   */
  private static List<Container> containers(
      GlobalFuncWorkerSpec spec, ReleaseView release, int port) {
    Container runtime = runtimeContainer(spec, release, port);
    runtime.getEnv().add(ReleaseTokens.env());
    runtime.getVolumeMounts().add(ReleaseTokens.mount());
    runtime.getEnv().addAll(FetchAgentContainer.runtimeEnv(release, port));
    runtime.getVolumeMounts().add(mount(FetchAgentContainer.VOLUME, FetchAgentContainer.DIR, true));
    List<VolumeMount> agentMounts = new ArrayList<>();
    agentMounts.add(mount(FetchAgentContainer.VOLUME, FetchAgentContainer.DIR, false));
    agentMounts.add(mount("tmp", "/tmp", false));
    if (release.secretName() != null) {
      agentMounts.add(mount(GIT_SECRET_VOLUME, GIT_SECRET_DIR, true));
    }
    return List.of(
        runtime,
        FetchAgentContainer.build(image(spec), release, port, gitSecretEnv(release), agentMounts));
  }

  /**
   * The Git credentials as files of the Secret volume (never environment variables), for the
   * containers that fetch; a key the Secret lacks is a missing file, which reads as unset.
   */
  private static List<EnvVar> gitSecretEnv(ReleaseView release) {
    if (release.secretName() == null) {
      return List.of();
    }
    return List.of(
        env("GF_GIT_USERNAME_FILE", GIT_SECRET_DIR + "/username"),
        env("GF_GIT_PASSWORD_FILE", GIT_SECRET_DIR + "/password"),
        env("GF_GIT_TOKEN_FILE", GIT_SECRET_DIR + "/token"));
  }

  private static List<VolumeMount> initMounts(ReleaseView release) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount("library", LIBRARY_DIR, false));
    mounts.add(mount("tmp", "/tmp", false));
    if (release.secretName() != null) {
      mounts.add(mount(GIT_SECRET_VOLUME, GIT_SECRET_DIR, true));
    }
    return mounts;
  }

  private static List<Volume> volumes(ReleaseView release) {
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("library").withNewEmptyDir().endEmptyDir().build());
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    volumes.add(
        new VolumeBuilder()
            .withName(FetchAgentContainer.VOLUME)
            .withNewEmptyDir()
            .endEmptyDir()
            .build());
    if (release.secretName() != null) {
      volumes.add(
          new VolumeBuilder()
              .withName(GIT_SECRET_VOLUME)
              .withNewSecret()
              .withSecretName(release.secretName())
              .withOptional(true)
              .withDefaultMode(0440)
              .endSecret()
              .build());
    }
    return volumes;
  }

  private static Container runtimeContainer(
      GlobalFuncWorkerSpec spec, ReleaseView release, int port) {
    List<EnvVar> env = new ArrayList<>();
    env.add(env("GF_FUNCTIONS_DIR", LIBRARY_DIR));
    env.add(env("GF_SPACE", release.space()));
    env.add(env("GF_BRANCH", release.branch()));
    env.add(ReleaseSwitcher.commitEnv());
    env.add(env("GF_PYTHON_WORKERS", Integer.toString(spec.getPythonWorkers())));
    if (spec.getTimeoutSeconds() != null) {
      env.add(env("GF_TIMEOUT", Integer.toString(spec.getTimeoutSeconds())));
    }
    env.addAll(RuntimeLimits.env(spec));
    env.add(env("GF_WORK_DIR", WORK_DIR));
    env.add(env("GF_CACHE_DIR", CACHE_DIR));
    env.add(env("QUARKUS_HTTP_PORT", Integer.toString(port)));
    env.add(env("GF_DRAIN_DELAY", DRAIN_DELAY_SECONDS + "s"));
    env.add(env("GF_DRAIN_TIMEOUT", callTimeoutSeconds(spec) + "s"));
    List<EnvVar> extra = orEmpty(spec.getEnv());
    if (extra.stream().noneMatch(e -> "TZ".equals(e.getName()))) {
      env.add(env("TZ", "UTC"));
    }
    env.addAll(extra);

    var resources = spec.getResources();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    limits.put("memory", new Quantity(resources.getMemory()));
    if (resources.getCpu() != null) {
      limits.put("cpu", new Quantity(resources.getCpu()));
    }
    if (resources.getGpu() != null && resources.getGpu() > 0) {
      limits.put("nvidia.com/gpu", new Quantity(Integer.toString(resources.getGpu())));
    }
    Map<String, Quantity> requests = new LinkedHashMap<>(limits);

    var containerPort = new ContainerPortBuilder().withName(PORT_NAME).withContainerPort(port);
    if (Boolean.TRUE.equals(spec.getHostPort())) {
      containerPort.withHostPort(port);
    }
    return new ContainerBuilder()
        .withName(RUNTIME_CONTAINER)
        .withImage(image(spec))
        .withEnv(env)
        .withPorts(containerPort.withProtocol("TCP").build())
        .withNewResources()
        .withLimits(limits)
        .withRequests(requests)
        .endResources()
        .withStartupProbe(probe("/q/health/live", 2, 90))
        .withReadinessProbe(probe("/q/health/ready", 5, 3))
        .withLivenessProbe(probe("/q/health/live", 10, 3))
        .withVolumeMounts(mount("library", LIBRARY_DIR, true), mount("tmp", "/tmp", false))
        .withSecurityContext(restricted())
        .build();
  }

  /** Seconds a stopping pod reports not-ready before refusing calls (endpoints drop it first). */
  static final int DRAIN_DELAY_SECONDS = 5;

  private static int callTimeoutSeconds(GlobalFuncWorkerSpec spec) {
    return spec.getTimeoutSeconds() != null ? spec.getTimeoutSeconds() : 60;
  }

  /** Long enough for the drain: the not-ready delay, the longest call, then the exit. */
  static long gracePeriodSeconds(GlobalFuncWorkerSpec spec) {
    return DRAIN_DELAY_SECONDS + callTimeoutSeconds(spec) + 10L;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  static String image(GlobalFuncWorkerSpec spec) {
    return spec.getImage() + ":" + spec.getVersion();
  }

  private static Probe probe(String path, int period, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withNewPort(PORT_NAME)
        .endHttpGet()
        .withPeriodSeconds(period)
        .withFailureThreshold(failures)
        .withTimeoutSeconds(2)
        .build();
  }

  /** The Pod Security Standard "restricted" container settings. */
  static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withRunAsNonRoot(true)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly)
        .build();
  }

  static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
