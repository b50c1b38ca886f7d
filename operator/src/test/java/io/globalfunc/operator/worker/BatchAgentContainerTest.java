package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.worker.BatchAgentContainer.RedisSecret;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch agent: the only container of a worker pod that mounts the Redis Secret. */
class BatchAgentContainerTest {

  static final RedisSecret CHART_DEFAULT = new RedisSecret("gf-batch-redis", "redis-uri");

  @Test
  void theStatusSaysWhoConsumesBatchesOrWhyNobodyDoes() {
    assertThat(BatchAgentContainer.describe(null, CHART_DEFAULT))
        .startsWith("a batch agent per pod")
        .contains("Secret gf-batch-redis (key redis-uri");
    BatchSpec own = new BatchSpec();
    own.setRedisSecretRef(new BatchSpec.RedisSecretRef("team-redis", "uri"));
    assertThat(BatchAgentContainer.describe(own, null)).contains("Secret team-redis (key uri");
    assertThat(BatchAgentContainer.describe(null, null))
        .startsWith("off: no Redis Secret known")
        .contains("spec.batch.redisSecretRef");
    BatchSpec off = new BatchSpec();
    off.setEnabled(false);
    assertThat(BatchAgentContainer.describe(off, CHART_DEFAULT))
        .isEqualTo("off: spec.batch.enabled is false");
  }

  @Test
  void theAgentAloneMountsTheRedisSecretAndCallsTheRuntimeOverLoopback() {
    GlobalFuncWorker w = WorkerPodBuilderTest.worker();
    w.getSpec().setTimeoutSeconds(7);
    Pod pod = WorkerPodBuilder.build(w, WorkerPodBuilderTest.RELEASE, 26000, CHART_DEFAULT);
    List<Container> containers = pod.getSpec().getContainers();
    assertThat(containers)
        .extracting(Container::getName)
        .containsExactly(
            WorkerPodBuilder.RUNTIME_CONTAINER, FetchAgentContainer.NAME, BatchAgentContainer.NAME);
    Container runtime = containers.get(0);
    Container agent = containers.get(2);

    assertThat(env(agent, "GF_BATCH_AGENT")).isEqualTo("true");
    assertThat(env(agent, "GF_RUNTIME_URL")).isEqualTo("http://127.0.0.1:26000");
    assertThat(env(agent, "GF_REDIS_URI_FILE"))
        .isEqualTo("/var/run/secrets/globalfunc/redis/redis-uri");
    assertThat(env(agent, "GF_SPACE")).isEqualTo("sp_GlobalFunc");
    assertThat(env(agent, "GF_BRANCH")).isEqualTo("master");
    assertThat(env(agent, "GF_TIMEOUT")).isEqualTo("7s");
    assertThat(env(agent, "GF_BATCH_TASKS")).isEqualTo("8");
    assertThat(env(agent, "QUARKUS_HTTP_HOST")).isEqualTo("127.0.0.1");
    assertThat(env(agent, "QUARKUS_HTTP_PORT")).isEqualTo("46000");
    assertThat(agent.getEnv()).allMatch(e -> e.getValueFrom() == null);
    assertThat(agent.getVolumeMounts())
        .anyMatch(
            m ->
                m.getName().equals(BatchAgentContainer.SECRET_VOLUME)
                    && m.getMountPath().equals("/var/run/secrets/globalfunc/redis")
                    && m.getReadOnly());
    assertThat(agent.getSecurityContext()).isEqualTo(WorkerPodBuilder.restricted());
    assertThat(agent.getResources().getLimits().get("memory").toString()).isEqualTo("384Mi");

    for (Container c : pod.getSpec().getContainers()) {
      if (c != agent) {
        assertThat(c.getEnv()).noneMatch(e -> e.getName().contains("REDIS"));
        assertThat(c.getVolumeMounts())
            .noneMatch(m -> m.getName().equals(BatchAgentContainer.SECRET_VOLUME));
      }
    }
    assertThat(pod.getSpec().getInitContainers().get(0).getVolumeMounts())
        .noneMatch(m -> m.getName().equals(BatchAgentContainer.SECRET_VOLUME));
    assertThat(runtime.getEnv()).noneMatch(e -> e.getName().contains("REDIS"));

    Volume secret = volume(pod, BatchAgentContainer.SECRET_VOLUME);
    assertThat(secret.getSecret().getSecretName()).isEqualTo("gf-batch-redis");
    assertThat(secret.getSecret().getOptional()).isTrue();
    assertThat(secret.getSecret().getItems())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getKey()).isEqualTo("redis-uri");
              assertThat(i.getPath()).isEqualTo("redis-uri");
            });
    assertThat(volume(pod, BatchAgentContainer.TMP_VOLUME).getEmptyDir()).isNotNull();
  }

  @Test
  void aWorkersOwnSecretWinsAndFalseTurnsTheAgentOff() {
    GlobalFuncWorker w = WorkerPodBuilderTest.worker();
    w.getSpec().getBatch().setRedisSecretRef(new BatchSpec.RedisSecretRef("mine", "uri"));
    w.getSpec().getBatch().setTasks(3);
    w.getSpec().getBatch().getResources().setCpu("20m");
    Pod own = WorkerPodBuilder.build(w, WorkerPodBuilderTest.RELEASE, 26000, CHART_DEFAULT);
    assertThat(volume(own, BatchAgentContainer.SECRET_VOLUME).getSecret().getSecretName())
        .isEqualTo("mine");
    assertThat(
            volume(own, BatchAgentContainer.SECRET_VOLUME).getSecret().getItems().get(0).getKey())
        .isEqualTo("uri");
    Container agent = own.getSpec().getContainers().get(2);
    assertThat(env(agent, "GF_BATCH_TASKS")).isEqualTo("3");
    assertThat(agent.getResources().getRequests().get("cpu").toString()).isEqualTo("20m");
    Pod withoutDefault = WorkerPodBuilder.build(w, WorkerPodBuilderTest.RELEASE, 26000, null);
    assertThat(withoutDefault.getSpec().getContainers()).hasSize(3);

    w.getSpec().getBatch().setEnabled(false);
    Pod off = WorkerPodBuilder.build(w, WorkerPodBuilderTest.RELEASE, 26000, CHART_DEFAULT);
    assertThat(off.getSpec().getContainers())
        .extracting(Container::getName)
        .doesNotContain(BatchAgentContainer.NAME);
    assertThat(off.getSpec().getVolumes()).noneMatch(v -> v.getName().startsWith("batch-"));
    assertThat(off.getMetadata().getAnnotations().get(Labels.SPEC_HASH))
        .as("turning batches off rolls the pods")
        .isNotEqualTo(own.getMetadata().getAnnotations().get(Labels.SPEC_HASH));
  }

  @Test
  void withoutAnyKnownSecretThePodIsAsBefore() {
    GlobalFuncWorker w = WorkerPodBuilderTest.worker();
    Pod before = WorkerPodBuilder.build(w, WorkerPodBuilderTest.RELEASE, 26000);
    Pod none = WorkerPodBuilder.build(w, WorkerPodBuilderTest.RELEASE, 26000, null);
    assertThat(none).isEqualTo(before);
    assertThat(none.getSpec().getContainers())
        .extracting(Container::getName)
        .doesNotContain(BatchAgentContainer.NAME);
  }

  @Test
  void theAgentsPortStaysInsideThePortSpaceAndApartFromTheFetchAgents() {
    for (int port : new int[] {1024, 26000, 45535, 45536, 55535, 65535}) {
      int agent = BatchAgentContainer.port(port);
      assertThat(agent).isBetween(1, 65535).isNotEqualTo(port);
      assertThat(agent).isNotEqualTo(FetchAgentContainer.port(port));
    }
  }

  private static String env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }

  private static Volume volume(Pod pod, String name) {
    return pod.getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
