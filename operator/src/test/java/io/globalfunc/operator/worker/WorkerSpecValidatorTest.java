package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.operator.support.Manifests;
import org.junit.jupiter.api.Test;

class WorkerSpecValidatorTest {

  @Test
  void theSeedsWorkerIsValid() {
    assertThat(WorkerSpecValidator.problems(Manifests.seedWorker("ns", "m7", "lib", 3))).isEmpty();
  }

  @Test
  void reportsEveryProblem() {
    GlobalFuncWorker w = Manifests.seedWorker("ns", "Bad.Name", "lib", -1);
    w.getSpec().setPorts(new GlobalFuncWorkerSpec.PortRange(80, 70000));
    w.getSpec().getResources().setMemory("lots");
    w.getSpec().getResources().setGpu(-1);
    w.getSpec().setImage(" ");
    assertThat(WorkerSpecValidator.problems(w))
        .hasSize(6)
        .anyMatch(p -> p.contains("DNS-1035"))
        .anyMatch(p -> p.contains("replicas"))
        .anyMatch(p -> p.contains("memory"))
        .anyMatch(p -> p.contains("gpu"))
        .anyMatch(p -> p.contains("1024-65535"))
        .anyMatch(p -> p.contains("image"));
    GlobalFuncWorker inverted = Manifests.seedWorker("ns", "m7", "lib", 1);
    inverted.getSpec().setPorts(new GlobalFuncWorkerSpec.PortRange(27000, 26000));
    assertThat(WorkerSpecValidator.problems(inverted))
        .containsExactly("spec.ports.from must be <= spec.ports.to");
  }
}
