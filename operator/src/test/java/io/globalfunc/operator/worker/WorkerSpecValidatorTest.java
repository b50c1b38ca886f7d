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

  @Test
  void podOptionsMayNotTakeOverTheOperatorsParts() {
    GlobalFuncWorker w = Manifests.seedWorker("ns", "m7", "lib", 1);
    w.getSpec()
        .setEnv(
            java.util.List.of(
                new io.fabric8.kubernetes.api.model.EnvVar("GF_TIMEOUT", "1", null),
                new io.fabric8.kubernetes.api.model.EnvVar("QUARKUS_HTTP_PORT", "1", null)));
    w.getSpec().setPodLabels(java.util.Map.of("globalfunc.io/worker", "other"));
    w.getSpec().setPodAnnotations(java.util.Map.of("globalfunc.io/spec-hash", "x"));
    w.getSpec().setPriorityClassName("Not_A_Name");
    assertThat(WorkerSpecValidator.problems(w))
        .anyMatch(p -> p.contains("GF_TIMEOUT"))
        .anyMatch(p -> p.contains("QUARKUS_HTTP_PORT"))
        .anyMatch(p -> p.contains("spec.podLabels"))
        .anyMatch(p -> p.contains("spec.podAnnotations"))
        .anyMatch(p -> p.contains("spec.priorityClassName"));
  }

  @Test
  void versionBoundsAreCheckedAsTheSchemaChecksThem() {
    GlobalFuncWorker w = Manifests.seedWorker("ns", "m7", "lib", 1);
    w.getSpec().setPythonWorkers(4);
    VersionsSpec v = new VersionsSpec();
    v.setWorkerBudget(4);
    w.getSpec().setVersions(v);
    assertThat(WorkerSpecValidator.problems(w))
        .containsExactly(
            "spec.versions.workerBudget must exceed spec.pythonWorkers unless"
                + " spec.versions.maxCommits is 1: 4");
    v.setMaxCommits(1); // the release's commit only: no other commit needs a worker
    assertThat(WorkerSpecValidator.problems(w)).isEmpty();
    v.setMaxCommits(0);
    v.setWorkerBudget(5);
    v.setCommitIdleSeconds(0);
    w.getSpec().setMaxCallsPerWorker(-1);
    assertThat(WorkerSpecValidator.problems(w))
        .containsExactlyInAnyOrder(
            "spec.maxCallsPerWorker must be >= 0 (0: never, 1: strict mode)",
            "spec.versions.maxCommits must lie inside 1-64: 0",
            "spec.versions.commitIdleSeconds must lie inside 1-604800: 0");
  }
}
