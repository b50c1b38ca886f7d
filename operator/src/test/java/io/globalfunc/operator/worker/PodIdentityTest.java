package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.operator.support.Manifests;
import org.junit.jupiter.api.Test;

class PodIdentityTest {

  @Test
  void reproducesTheSeedsContainerIdentity() {
    GlobalFuncWorker w = Manifests.seedWorker("default", "fleet", "lib", 1);
    PodIdentity id = PodIdentity.of("fleet", w.getSpec(), 26000);
    assertThat(id.identity()).isEqualTo("m7_v101_30G_0G_26000");
    assertThat(id.podName()).isEqualTo("m7-v101-30g-0g-26000");
  }

  @Test
  void usesTheWorkerNameWithoutANodeAndCountsGpus() {
    GlobalFuncWorker w = Manifests.seedWorker("default", "fleet", "lib", 1);
    w.getSpec().setNode(null);
    w.getSpec().getResources().setGpu(2);
    w.getSpec().getResources().setMemory("512Mi");
    assertThat(PodIdentity.of("fleet", w.getSpec(), 26001).podName())
        .isEqualTo("fleet-v101-512m-2g-26001");
  }

  @Test
  void memoryTiers() {
    assertThat(PodIdentity.memoryTier("30Gi")).isEqualTo("30G");
    assertThat(PodIdentity.memoryTier("1536Mi")).isEqualTo("1536M");
    assertThat(PodIdentity.memoryTier("1000")).isEqualTo("1000");
  }

  @Test
  void namesStayDnsLabelsAndKeepThePort() {
    GlobalFuncWorker w = Manifests.seedWorker("default", "fleet", "lib", 1);
    w.getSpec().setNode("a-very-long-node-name.in.some.datacenter.example.com");
    w.getSpec().setVersion("2024.02.15_release-candidate_number_one_with_extras");
    String name = PodIdentity.of("fleet", w.getSpec(), 26999).podName();
    assertThat(name)
        .hasSizeLessThanOrEqualTo(63)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
        .endsWith("-30g-0g-26999");
  }
}
