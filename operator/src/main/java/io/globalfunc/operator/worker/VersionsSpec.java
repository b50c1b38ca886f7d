package io.globalfunc.operator.worker;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * {@code spec.versions} of a GlobalFuncWorker: how many commits a pod keeps warm for calls that
 * name a branch, tag or commit, and the Python workers they share. Unset fields keep the runtime's
 * defaults (and add nothing to the pod, so setting none rolls no pod).
 */
public class VersionsSpec {

  @JsonPropertyDescription(
      "Commits with warm Python workers at once in a pod, the release's included"
          + " (GF_MAX_COMMITS; default 4). The least recently used is stopped first, the"
          + " release's never; 1 serves the release's commit only.")
  @Min(1)
  @Max(64)
  private Integer maxCommits;

  @JsonPropertyDescription(
      "Python worker processes of a pod over every warm commit (GF_WORKER_BUDGET; default"
          + " pythonWorkers + maxCommits - 1). The release's commit keeps pythonWorkers, every other"
          + " warm commit gets an equal share of the rest (at least 1), so it must exceed"
          + " pythonWorkers unless maxCommits is 1. Size resources.memory for this many Python"
          + " processes plus one being replaced.")
  @Min(1)
  @Max(1024)
  private Integer workerBudget;

  @JsonPropertyDescription(
      "Seconds after which a warm commit other than the release's whose workers took no call is"
          + " stopped and its checkout deleted (GF_COMMIT_IDLE; default 300). Its next call starts"
          + " it again.")
  @Min(1)
  @Max(604800)
  private Integer commitIdleSeconds;

  public Integer getMaxCommits() {
    return maxCommits;
  }

  public void setMaxCommits(Integer maxCommits) {
    this.maxCommits = maxCommits;
  }

  public Integer getWorkerBudget() {
    return workerBudget;
  }

  public void setWorkerBudget(Integer workerBudget) {
    this.workerBudget = workerBudget;
  }

  public Integer getCommitIdleSeconds() {
    return commitIdleSeconds;
  }

  public void setCommitIdleSeconds(Integer commitIdleSeconds) {
    this.commitIdleSeconds = commitIdleSeconds;
  }
}
