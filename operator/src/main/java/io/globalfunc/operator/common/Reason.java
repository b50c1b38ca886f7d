package io.globalfunc.operator.common;

/**
 * Every reason the operator writes on a condition or an Event: one owner, so a reason is spelled
 * once and each is documented in docs/operator.md (a test checks that).
 */
public enum Reason {
  // FunctionRelease, Ready
  RESOLVED("Resolved"),
  BRANCH_NOT_FOUND("BranchNotFound"),
  COMMIT_NOT_FOUND("CommitNotFound"),
  AUTHENTICATION_FAILED("AuthenticationFailed"),
  REPOSITORY_UNREACHABLE("RepositoryUnreachable"),
  SECRET_NOT_FOUND("SecretNotFound"),
  NOT_A_LIBRARY("NotALibrary"),
  FETCH_FAILED("FetchFailed"),
  READ_FAILED("ReadFailed"),
  // FunctionRelease, Ready and Cataloged: the space belongs to another repository
  REPOSITORY_CONFLICT("RepositoryConflict"),
  // FunctionRelease, Cataloged
  SAVED("Saved"),
  CATALOG_UNAVAILABLE("CatalogUnavailable"),
  CATALOG_DISABLED("CatalogDisabled"),
  // both kinds
  INVALID_SPEC("InvalidSpec"),
  // GlobalFuncWorker, Ready / Progressing / Degraded / PortRangeExhausted / RedisUnavailable
  ALL_REPLICAS_READY("AllReplicasReady"),
  REPLICAS_NOT_READY("ReplicasNotReady"),
  RELEASE_NOT_READY("ReleaseNotReady"),
  PORT_RANGE_EXHAUSTED("PortRangeExhausted"),
  PORTS_ALLOCATED("PortsAllocated"),
  AS_EXPECTED("AsExpected"),
  SCALING_PODS("ScalingPods"),
  REPLACING_PODS("ReplacingPods"),
  SWITCHING_COMMIT("SwitchingCommit"),
  ROLLED_OUT("RolledOut"),
  REDIS_UNAVAILABLE("RedisUnavailable"),
  CONNECTED("Connected"),
  // GlobalFuncWorker, Events about single pods
  POD_CREATED("PodCreated"),
  POD_CREATE_REFUSED("PodCreateRefused"),
  SCALED_DOWN("ScaledDown"),
  POD_FAILED("PodFailed"),
  REPLACING("Replacing"),
  SWITCHED_IN_PLACE("SwitchedInPlace"),
  SWITCH_FAILED("SwitchFailed"),
  RELEASE_TOKEN_RECREATED("ReleaseTokenRecreated");

  private final String label;

  Reason(String label) {
    this.label = label;
  }

  /** The reason spelled {@code label}; fails on a spelling no reason has. */
  public static Reason of(String label) {
    for (Reason r : values()) {
      if (r.label.equals(label)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no reason " + label);
  }

  /** The CamelCase spelling Kubernetes shows ({@code kubectl describe}, conditions, Events). */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
