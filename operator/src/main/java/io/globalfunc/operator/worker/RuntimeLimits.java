package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime container's worker recycling and bounds of warm commits ({@code
 * spec.maxCallsPerWorker}, {@code spec.versions}) as its environment, for {@link WorkerPodBuilder}.
 * Pure.
 */
final class RuntimeLimits {

  private RuntimeLimits() {}

  /**
   * The variables for what the spec sets; none for a field it leaves unset (the runtime's default
   * applies), so a worker that sets none keeps its pods across an operator upgrade.
   */
  static List<EnvVar> env(GlobalFuncWorkerSpec spec) {
    List<EnvVar> env = new ArrayList<>();
    if (spec.getMaxCallsPerWorker() != null) {
      env.add(var("GF_MAX_CALLS_PER_WORKER", spec.getMaxCallsPerWorker()));
    }
    VersionsSpec versions = spec.getVersions();
    if (versions != null) {
      if (versions.getMaxCommits() != null) {
        env.add(var("GF_MAX_COMMITS", versions.getMaxCommits()));
      }
      if (versions.getWorkerBudget() != null) {
        env.add(var("GF_WORKER_BUDGET", versions.getWorkerBudget()));
      }
      if (versions.getCommitIdleSeconds() != null) {
        env.add(WorkerPodBuilder.env("GF_COMMIT_IDLE", versions.getCommitIdleSeconds() + "s"));
      }
    }
    return env;
  }

  private static EnvVar var(String name, int value) {
    return WorkerPodBuilder.env(name, Integer.toString(value));
  }
}
