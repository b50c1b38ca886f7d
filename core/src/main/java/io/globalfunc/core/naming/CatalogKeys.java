package io.globalfunc.core.naming;

import java.util.Optional;

/**
 * How the catalog spells its bookkeeping next to the function documents of {@link FunctionName}:
 * per-commit manifests, content blobs, catalog metadata and cache keys.
 *
 * <p>Function collections are exactly the tier-2 names ({@code <package>_<branch>}), which never
 * contain {@code .} and never start with {@code _} (packages cannot). So the manifests of tier 2
 * live in {@code <tier2>.commits} and space-wide collections start with {@code _}; neither can be
 * mistaken for a function collection.
 */
public final class CatalogKeys {

  /** Suffix of the collection that keeps what each commit had for one tier 2. */
  public static final String COMMITS_SUFFIX = ".commits";

  private CatalogKeys() {}

  /** Collection of per-commit manifests of one package at one branch. */
  public static String commitsCollection(FunctionName.PackageBranch pb) {
    return pb.tier2() + COMMITS_SUFFIX;
  }

  /** Space-wide collection of file contents keyed by md5, shared by every commit. */
  public static String blobsCollection() {
    return "_blobs";
  }

  /** Space-wide collection of catalog metadata (the revision counter). */
  public static String metaCollection() {
    return "_catalog";
  }

  /** The {@code _id} of the revision counter document in {@link #metaCollection()}. */
  public static String revisionId() {
    return "revision";
  }

  /** The tier 2 a collection holds function documents for, or empty for any other collection. */
  public static Optional<FunctionName.PackageBranch> functionCollection(String collection) {
    if (collection.startsWith("_") || collection.contains(".")) {
      return Optional.empty();
    }
    try {
      return Optional.of(FunctionName.PackageBranch.parse(collection));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Redis key of a function's cached current document: its full three-tier name. */
  public static String cacheKey(FunctionName name) {
    return name.fullName();
  }
}
