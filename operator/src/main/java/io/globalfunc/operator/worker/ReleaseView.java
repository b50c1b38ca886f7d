package io.globalfunc.operator.worker;

import io.globalfunc.operator.release.FunctionRelease;
import java.util.List;

/**
 * What a worker's pods need from their FunctionRelease: where to fetch, with which Secret, the
 * pinned commit, and the refs callers may name besides it. A value, so pod building stays pure.
 */
public record ReleaseView(
    String name,
    String url,
    String secretName,
    String branch,
    String commit,
    String space,
    List<String> refs) {

  public ReleaseView {
    refs = refs == null ? List.of() : List.copyOf(refs);
  }

  /** A release that serves its commit only (no {@code refs}). */
  public ReleaseView(
      String name, String url, String secretName, String branch, String commit, String space) {
    this(name, url, secretName, branch, commit, space, List.of());
  }

  /** The view of a release that has resolved a commit, or null when it has not (yet). */
  public static ReleaseView of(FunctionRelease release) {
    if (release == null
        || release.getSpec() == null
        || release.getSpec().getRepository() == null
        || release.getStatus() == null
        || release.getStatus().getCommit() == null) {
      return null;
    }
    var spec = release.getSpec();
    return new ReleaseView(
        release.getMetadata().getName(),
        spec.getRepository().getUrl(),
        spec.getRepository().getSecretRef() == null
            ? null
            : spec.getRepository().getSecretRef().getName(),
        spec.getBranch(),
        release.getStatus().getCommit(),
        spec.getSpace(),
        spec.getRefs());
  }
}
