package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A release with {@code refs}: a fetch-agent container holds the credentials and the mirror. */
class FetchAgentPodTest {

  static final ReleaseView WITH_REFS =
      new ReleaseView(
          "lib",
          "https://git.example.com/team/functions.git",
          "git-creds",
          "master",
          "a".repeat(40),
          "sp_GlobalFunc",
          List.of("dev", "exp-*"));

  @Test
  void theAgentAloneHoldsCredentialsAndTheRuntimeReadsItsMirror() {
    Pod pod = WorkerPodBuilder.build(WorkerPodBuilderTest.worker(), WITH_REFS, 26000);
    List<Container> containers = pod.getSpec().getContainers();
    assertThat(containers)
        .extracting(Container::getName)
        .containsExactly(WorkerPodBuilder.RUNTIME_CONTAINER, FetchAgentContainer.NAME);
    Container runtime = containers.get(0);
    Container agent = containers.get(1);

    assertThat(env(runtime, "GF_REFS")).isEqualTo("dev,exp-*");
    assertThat(env(runtime, "GF_MIRROR_DIR")).isEqualTo(FetchAgentContainer.MIRROR);
    assertThat(env(runtime, "GF_FETCH_AGENT_URL")).isEqualTo("http://127.0.0.1:36000");
    assertThat(runtime.getEnv()).noneMatch(e -> e.getName().startsWith("GF_GIT_"));
    assertThat(runtime.getVolumeMounts())
        .filteredOn(m -> m.getName().equals(FetchAgentContainer.VOLUME))
        .singleElement()
        .extracting(VolumeMount::getReadOnly)
        .isEqualTo(true);
    assertThat(runtime.getVolumeMounts()).noneMatch(m -> m.getName().contains("git"));

    assertThat(env(agent, "GF_FETCH_AGENT")).isEqualTo("true");
    assertThat(env(agent, "QUARKUS_HTTP_HOST")).isEqualTo("127.0.0.1");
    assertThat(env(agent, "QUARKUS_HTTP_PORT")).isEqualTo("36000");
    assertThat(env(agent, "GF_GIT_TOKEN_FILE")).startsWith(WorkerPodBuilder.GIT_SECRET_DIR);
    assertThat(agent.getEnv()).allMatch(e -> e.getValueFrom() == null);
    assertThat(agent.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(pod.getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals(FetchAgentContainer.VOLUME))
        .singleElement()
        .matches(v -> v.getEmptyDir() != null);
  }

  @Test
  void aReleaseWithoutRefsHasTheAgentForItsSwitchesButServesOnlyItsBranch() {
    Pod plain =
        WorkerPodBuilder.build(WorkerPodBuilderTest.worker(), WorkerPodBuilderTest.RELEASE, 26000);
    assertThat(plain.getSpec().getContainers())
        .extracting(Container::getName)
        .containsExactly(WorkerPodBuilder.RUNTIME_CONTAINER, FetchAgentContainer.NAME);
    Container runtime = plain.getSpec().getContainers().get(0);
    assertThat(env(runtime, "GF_MIRROR_DIR")).isEqualTo(FetchAgentContainer.MIRROR);
    assertThat(runtime.getEnv()).noneMatch(e -> e.getName().equals("GF_REFS"));
    assertThat(plain.getSpec().getVolumes()).anyMatch(v -> v.getName().equals("mirror"));
    assertThat(FetchAgentContainer.port(60000)).isEqualTo(50000);
  }

  private static String env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }
}
