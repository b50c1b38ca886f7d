package io.globalfunc.core.naming;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the catalog spells its bookkeeping next to the function documents of {@link FunctionName}:
 * per-commit manifests, content blobs, catalog metadata and cache keys.
 *
 * <p>Function collections are exactly the tier-2 names ({@code <package>_<branch>}), which never
 * contain {@code .} and never start with {@code _} (packages cannot). So the manifests of tier 2
 * live in {@code <tier2>.commits} and space-wide collections start with {@code _}; neither can be
 * mistaken for a function collection.
 *
 * <p>Files that are not functions (every other scanned file, §1) are catalogued under the seed's
 * scan key (the path with {@code /} replaced by {@code .}, e.g. {@code Base.notes.md}, {@code
 * remark.md}). A file inside a package folder lives in that package's tier-2 collection with the
 * scan key as {@code _id}: the key starts with {@code <package>.}, so it contains a {@code .} and
 * can never equal a function name (an identifier). A root-level file (or one in a folder that is
 * not a Python identifier) lives in the branch's space-level collection {@code _files_<escaped
 * branch>}, which starts with {@code _} and so never equals a {@code <package>_<branch>}. Their
 * per-commit manifests are the home collection's {@code .commits} (field {@code files}).
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

  /** The {@code _id} of the document in {@link #metaCollection()} naming the space's repository. */
  public static String repositoryId() {
    return "repository";
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

  /** Prefix of the space-level collections of root-level files, one per branch. */
  public static final String FILES_PREFIX = "_files_";

  /** Collection of the root-level (not in a package) files of one branch. */
  public static String filesCollection(String branch) {
    return FILES_PREFIX + FunctionName.escapeBranch(branch);
  }

  /** The per-commit manifests of a home collection (functions' tier 2 or root-level files). */
  public static String commitsOf(String collection) {
    return collection + COMMITS_SUFFIX;
  }

  /** The branch whose root-level files a collection holds, or empty for any other collection. */
  public static Optional<String> filesCollectionBranch(String collection) {
    if (!collection.startsWith(FILES_PREFIX) || collection.contains(".")) {
      return Optional.empty();
    }
    try {
      return Optional.of(FunctionName.unescapeBranch(collection.substring(FILES_PREFIX.length())));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The name of a catalogued file that is not a function: its scan key at a space and branch, and
   * the package whose tier-2 collection holds it ({@code null} for the space-level files
   * collection).
   */
  public record FileName(String space, String branch, String key, String pkg) {
    public FileName {
      FunctionName.of(space, "p", branch, "f"); // validates space and branch
      if (key == null || key.isEmpty() || key.startsWith(".")) {
        throw new IllegalArgumentException("not a file key: " + key);
      }
      if (pkg != null && !key.startsWith(pkg + ".")) {
        throw new IllegalArgumentException("file key " + key + " is not in package " + pkg);
      }
      if (pkg != null) {
        FunctionName.PackageBranch.of(pkg, branch); // validates the package
      }
    }

    /** The name of the committed file at {@code path} (relative, {@code /}-separated). */
    public static FileName ofPath(String space, String branch, String path) {
      int slash = path.indexOf('/');
      String first = slash > 0 ? path.substring(0, slash) : null;
      String pkg = first != null && isPackage(first) ? first : null;
      return new FileName(space, branch, path.replace('/', '.'), pkg);
    }

    /** Where a file with scan key {@code key} may live: its package first, then root level. */
    public static List<FileName> candidates(String space, String branch, String key) {
      List<FileName> out = new ArrayList<>();
      int dot = key.indexOf('.');
      if (dot > 0 && isPackage(key.substring(0, dot))) {
        out.add(new FileName(space, branch, key, key.substring(0, dot)));
      }
      out.add(new FileName(space, branch, key, null));
      return out;
    }

    private static boolean isPackage(String folder) {
      return FunctionName.isIdentifier(folder) && !folder.startsWith("_");
    }

    /** The collection holding the file's document. */
    public String mongoCollection() {
      return pkg != null
          ? FunctionName.PackageBranch.of(pkg, branch).tier2()
          : filesCollection(branch);
    }

    /** The document {@code _id}: the scan key. */
    public String mongoId() {
      return key;
    }

    /** {@code space.collection.key}: the file's unique name (search index id). */
    public String fullName() {
      return space + "." + mongoCollection() + "." + key;
    }

    /** Splits {@link #fullName()} back (the key may contain {@code .}). */
    public static FileName parse(String fullName) {
      int a = fullName.indexOf('.');
      int b = a < 0 ? -1 : fullName.indexOf('.', a + 1);
      if (a <= 0 || b <= a + 1 || b == fullName.length() - 1) {
        throw new IllegalArgumentException("not a file's full name: " + fullName);
      }
      String space = fullName.substring(0, a);
      String coll = fullName.substring(a + 1, b);
      String key = fullName.substring(b + 1);
      Optional<String> rootBranch = filesCollectionBranch(coll);
      if (rootBranch.isPresent()) {
        return new FileName(space, rootBranch.get(), key, null);
      }
      FunctionName.PackageBranch pb = FunctionName.PackageBranch.parse(coll);
      return new FileName(space, pb.branch(), key, pb.pkg());
    }

    @Override
    public String toString() {
      return fullName();
    }
  }

  /** Redis key of a function's cached current document: its full three-tier name. */
  public static String cacheKey(FunctionName name) {
    return name.fullName();
  }
}
