package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.ArrayList;
import java.util.List;

/**
 * The fetch-agent container of every worker pod: the runtime image in {@code GF_FETCH_AGENT} mode,
 * the only container besides the init container that reads the Git credentials. It keeps a bare
 * mirror in a shared {@code emptyDir} fresh and fetches a missing ref when the runtime asks over
 * loopback; the runtime mounts the mirror read-only and switches its release commit in place from
 * it, and serves the refs of {@code spec.refs} from it.
 */
final class FetchAgentContainer {

  static final String NAME = "fetch-agent";
  static final String VOLUME = "mirror";
  static final String DIR = "/mirror";
  static final String MIRROR = DIR + "/library.git";

  /**
   * The agent listens on loopback at the runtime's port plus this offset (minus it near the top of
   * the port space): unique per pod even where pods share a host's loopback.
   */
  static final int PORT_OFFSET = 10000;

  private FetchAgentContainer() {}

  static int port(int runtimePort) {
    return runtimePort + PORT_OFFSET <= 65535
        ? runtimePort + PORT_OFFSET
        : runtimePort - PORT_OFFSET;
  }

  /** What the runtime container adds: the read-only mirror, the agent, the allowed refs. */
  static List<EnvVar> runtimeEnv(ReleaseView release, int runtimePort) {
    List<EnvVar> env = new ArrayList<>();
    env.add(WorkerPodBuilder.env("GF_MIRROR_DIR", MIRROR));
    env.add(WorkerPodBuilder.env("GF_FETCH_AGENT_URL", "http://127.0.0.1:" + port(runtimePort)));
    if (!release.refs().isEmpty()) {
      env.add(WorkerPodBuilder.env("GF_REFS", String.join(",", release.refs())));
    }
    return env;
  }

  static Container build(
      String image,
      ReleaseView release,
      int runtimePort,
      List<EnvVar> secretEnv,
      List<VolumeMount> mounts) {
    List<EnvVar> env = new ArrayList<>();
    env.add(WorkerPodBuilder.env("GF_FETCH_AGENT", "true"));
    env.add(WorkerPodBuilder.env("GF_REPOSITORY_URL", release.url()));
    env.add(WorkerPodBuilder.env("GF_MIRROR_DIR", MIRROR));
    env.add(WorkerPodBuilder.env("QUARKUS_HTTP_HOST", "127.0.0.1"));
    env.add(WorkerPodBuilder.env("QUARKUS_HTTP_PORT", Integer.toString(port(runtimePort))));
    env.add(WorkerPodBuilder.env("TZ", "UTC"));
    env.addAll(secretEnv);
    return new ContainerBuilder()
        .withName(NAME)
        .withImage(image)
        .withEnv(env)
        .withNewResources()
        .addToRequests("memory", new Quantity("256Mi"))
        .addToRequests("cpu", new Quantity("50m"))
        .addToLimits("memory", new Quantity("512Mi"))
        .endResources()
        .withVolumeMounts(mounts)
        .withSecurityContext(WorkerPodBuilder.restricted())
        .build();
  }
}
