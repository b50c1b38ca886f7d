package io.globalfunc.operator.release;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed for a FunctionRelease. */
public class FunctionReleaseStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "The commit the branch resolved to (or the pinned commit); what workers serve.")
  private String commit;

  @JsonPropertyDescription("The branch the commit was resolved from.")
  private String branch;

  @JsonPropertyDescription("Number of callable functions at the commit.")
  private Integer functions;

  @JsonPropertyDescription("Number of catalogued files at the commit.")
  private Integer files;

  @JsonPropertyDescription("When the branch was last resolved successfully (RFC 3339).")
  private String lastResolved;

  @JsonPropertyDescription(
      "The value of the annotation reconcile.globalfunc.io/requestedAt that the last fetch"
          + " handled: a push hook that set it waits for this to match.")
  private String lastHandledReconcileAt;

  @JsonPropertyDescription(
      "Ready (reasons Resolved, BranchNotFound, CommitNotFound, AuthenticationFailed,"
          + " RepositoryUnreachable, SecretNotFound, InvalidSpec, ...) and Cataloged.")
  private List<Condition> conditions = new ArrayList<>();

  public String getLastHandledReconcileAt() {
    return lastHandledReconcileAt;
  }

  public void setLastHandledReconcileAt(String lastHandledReconcileAt) {
    this.lastHandledReconcileAt = lastHandledReconcileAt;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getCommit() {
    return commit;
  }

  public void setCommit(String commit) {
    this.commit = commit;
  }

  public String getBranch() {
    return branch;
  }

  public void setBranch(String branch) {
    this.branch = branch;
  }

  public Integer getFunctions() {
    return functions;
  }

  public void setFunctions(Integer functions) {
    this.functions = functions;
  }

  public Integer getFiles() {
    return files;
  }

  public void setFiles(Integer files) {
    this.files = files;
  }

  public String getLastResolved() {
    return lastResolved;
  }

  public void setLastResolved(String lastResolved) {
    this.lastResolved = lastResolved;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
