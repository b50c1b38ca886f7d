package io.globalfunc.operator.release;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** What a FunctionRelease asks for: a repository branch (or pinned commit) in a space. */
public class FunctionReleaseSpec {

  /** The seed's space; tier 1 of every name. */
  public static final String DEFAULT_SPACE = "sp_GlobalFunc";

  @JsonPropertyDescription(
      "Tier 1 of every three-tier name (MongoDB database and Redis key prefix), e.g. sp_GlobalFunc.")
  @Pattern("^[A-Za-z0-9_-]{1,60}$")
  @Default(DEFAULT_SPACE)
  private String space = DEFAULT_SPACE;

  @JsonPropertyDescription("The Git repository holding the function library.")
  @Required
  private Repository repository;

  @JsonPropertyDescription("The branch to serve; resolved to a commit on every poll.")
  @Required
  @Pattern("^[^~^:?*\\[\\\\ ]+$")
  private String branch;

  @JsonPropertyDescription(
      "Optional pinned commit (7-40 hex digits). A pinned release never moves with its branch.")
  @Pattern("^[0-9a-f]{7,40}$")
  private String commit;

  @JsonPropertyDescription(
      "Optional subset of packages (top-level folders) to publish; all when empty.")
  private List<String> packages = new ArrayList<>();

  @JsonPropertyDescription(
      "Refs callers may name per call besides the release's commit (Base@dev.add, ?ref=dev): glob"
          + " patterns over branch and tag names, e.g. [\"dev\", \"exp-*\", \"v*\"]; \"*\" is any"
          + " ref or commit of the repository; a commit id is served when reachable from an allowed"
          + " branch or tag. Empty: only the release's commit. Given to the runtime as GF_REFS; pods"
          + " then run a fetch-agent container, the only one with the Git credentials.")
  private List<String> refs = new ArrayList<>();

  @JsonPropertyDescription(
      "How often the branch is re-resolved, as a Go-style duration of s/m/h parts, e.g. 5m or 1h30m.")
  @Pattern("^([0-9]+[smh])+$")
  @Default("5m")
  private String pollInterval = "5m";

  public String getSpace() {
    return space;
  }

  public void setSpace(String space) {
    this.space = space;
  }

  public Repository getRepository() {
    return repository;
  }

  public void setRepository(Repository repository) {
    this.repository = repository;
  }

  public String getBranch() {
    return branch;
  }

  public void setBranch(String branch) {
    this.branch = branch;
  }

  public String getCommit() {
    return commit;
  }

  public void setCommit(String commit) {
    this.commit = commit;
  }

  public List<String> getRefs() {
    return refs;
  }

  public void setRefs(List<String> refs) {
    this.refs = refs;
  }

  public List<String> getPackages() {
    return packages;
  }

  public void setPackages(List<String> packages) {
    this.packages = packages;
  }

  public String getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(String pollInterval) {
    this.pollInterval = pollInterval;
  }

  /** Where the library lives and how to authenticate. */
  public static class Repository {

    @JsonPropertyDescription(
        "Clone URL (https://, http:// or file://); never put credentials in it.")
    @Required
    @Pattern("^(https?|file)://.+$")
    private String url;

    @JsonPropertyDescription(
        "Secret in the same namespace with Flux-style keys: username + password, or token alone.")
    private SecretRef secretRef;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public SecretRef getSecretRef() {
      return secretRef;
    }

    public void setSecretRef(SecretRef secretRef) {
      this.secretRef = secretRef;
    }
  }

  /** A reference to a Secret by name. */
  public static class SecretRef {

    @JsonPropertyDescription("Name of the Secret.")
    @Required
    private String name;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }
}
