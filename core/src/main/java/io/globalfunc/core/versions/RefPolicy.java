package io.globalfunc.core.versions;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which refs a release may serve ({@code GF_REFS}): comma-separated glob patterns over branch and
 * tag names ({@code *} any run of characters, {@code ?} one), {@code *} alone meaning every ref and
 * commit of the repository. A commit id is allowed when it is reachable from an allowed branch or
 * tag (see {@link RefResolver#allowed}). Without patterns, only the release's branch.
 */
public final class RefPolicy {

  private final List<String> globs;
  private final List<Pattern> patterns;

  private RefPolicy(List<String> globs) {
    this.globs = List.copyOf(globs);
    this.patterns = globs.stream().map(RefPolicy::toRegex).toList();
  }

  /** Parses {@code GF_REFS}; blank means only {@code releaseBranch}. */
  public static RefPolicy parse(String csv, String releaseBranch) {
    List<String> globs = new ArrayList<>();
    if (csv != null) {
      for (String g : csv.split(",")) {
        if (!g.isBlank()) {
          globs.add(g.strip());
        }
      }
    }
    if (globs.isEmpty() && releaseBranch != null) {
      globs.add(releaseBranch);
    }
    return new RefPolicy(globs);
  }

  /** True when {@code *} alone was given: every ref and commit of the repository. */
  public boolean anyRef() {
    return globs.contains("*");
  }

  /** True when a branch or tag name matches a pattern. */
  public boolean matches(String refName) {
    return patterns.stream().anyMatch(p -> p.matcher(refName).matches());
  }

  /** The patterns as given, for people. */
  public List<String> globs() {
    return globs;
  }

  private static Pattern toRegex(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }

  @Override
  public String toString() {
    return String.join(",", globs);
  }
}
