package io.globalfunc.operator.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks the CRD schema makes on a FunctionRelease spec, repeated in code: an API server
 * without the schema (or an old CRD) must still not make the operator fetch from a bad spec. Pure.
 */
public final class ReleaseSpecValidator {

  private static final Pattern SPACE = Pattern.compile("[A-Za-z0-9_-]{1,60}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");

  private ReleaseSpecValidator() {}

  /** Every problem with the spec, empty when it is valid. */
  public static List<String> problems(FunctionReleaseSpec spec) {
    if (spec == null) {
      return List.of("spec is required");
    }
    List<String> problems = new ArrayList<>();
    if (spec.getSpace() == null || !SPACE.matcher(spec.getSpace()).matches()) {
      problems.add("spec.space must be 1-60 letters, digits, '_' or '-'");
    }
    repositoryProblem(spec.getRepository()).ifPresent(problems::add);
    if (spec.getBranch() == null || spec.getBranch().isBlank()) {
      problems.add("spec.branch is required");
    }
    if (spec.getCommit() != null
        && !spec.getCommit().isBlank()
        && !COMMIT.matcher(spec.getCommit()).matches()) {
      problems.add("spec.commit must be 7-40 lower-case hex digits");
    }
    return problems;
  }

  private static Optional<String> repositoryProblem(FunctionReleaseSpec.Repository repository) {
    if (repository == null || repository.getUrl() == null || repository.getUrl().isBlank()) {
      return Optional.of("spec.repository.url is required");
    }
    if (!repository.getUrl().matches("^(https?|file)://.+$")) {
      return Optional.of("spec.repository.url must be an http(s):// or file:// URL");
    }
    if (repository.getUrl().matches("^[a-z]+://[^/]*@.*")) {
      // Credentials in a URL would reach logs and status; they belong in a Secret.
      return Optional.of(
          "spec.repository.url must not carry credentials; use repository.secretRef");
    }
    return Optional.empty();
  }
}
