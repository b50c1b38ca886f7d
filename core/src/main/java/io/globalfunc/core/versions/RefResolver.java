package io.globalfunc.core.versions;

import io.globalfunc.core.naming.FunctionName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Resolves a ref (branch, tag, full or short commit id) to a commit in a local repository or mirror
 * through JGit, read-only, and decides whether a {@link RefPolicy} allows it.
 */
public final class RefResolver implements AutoCloseable {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{4,40}");

  /** What a ref named. */
  public enum Kind {
    BRANCH,
    TAG,
    COMMIT
  }

  /** A ref resolved to its commit. */
  public record Resolved(Kind kind, String ref, String commit) {}

  private final Repository repo;

  private RefResolver(Repository repo) {
    this.repo = repo;
  }

  /** Opens a bare mirror or a working repository (its {@code .git}) read-only. */
  public static RefResolver open(Path dir) {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
    if (Files.isDirectory(dir.resolve(".git"))) {
      builder.setWorkTree(dir.toFile());
    } else {
      builder.setGitDir(dir.toFile());
    }
    try {
      return new RefResolver(builder.build());
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a Git repository: " + dir, e);
    }
  }

  /** The Git folder read, for checkouts. */
  public Path gitDir() {
    return repo.getDirectory().toPath();
  }

  /** A branch first, then a tag, then a commit id; empty when the repository has none. */
  public synchronized Optional<Resolved> resolve(String ref) {
    if (!FunctionName.isRefName(ref)) {
      return Optional.empty();
    }
    try {
      Ref branch = repo.exactRef(Constants.R_HEADS + ref);
      if (branch != null && branch.getObjectId() != null) {
        return Optional.of(new Resolved(Kind.BRANCH, ref, branch.getObjectId().name()));
      }
      Ref tag = repo.exactRef(Constants.R_TAGS + ref);
      if (tag != null) {
        ObjectId id = repo.resolve(Constants.R_TAGS + ref + "^{commit}");
        if (id != null) {
          return Optional.of(new Resolved(Kind.TAG, ref, id.name()));
        }
      }
      if (HEX.matcher(ref).matches()) {
        ObjectId id = repo.resolve(ref + "^{commit}");
        if (id != null) {
          return Optional.of(new Resolved(Kind.COMMIT, ref, id.name()));
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // an ambiguous short id or a missing object: no such ref here
    }
  }

  /**
   * True when the policy allows a resolved ref: a branch or tag whose name matches, or a commit
   * reachable from the head of a branch or tag that matches (any commit for {@code *}).
   */
  public synchronized boolean allowed(Resolved r, RefPolicy policy) {
    if (policy.anyRef()) {
      return true;
    }
    if (r.kind() != Kind.COMMIT) {
      return policy.matches(r.ref());
    }
    try {
      ObjectId target = ObjectId.fromString(r.commit());
      for (Ref ref : repo.getRefDatabase().getRefs()) {
        String name = shortName(ref.getName());
        if (name != null && policy.matches(name) && reaches(ref, target)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean reaches(Ref ref, ObjectId target) throws IOException {
    Ref peeled = repo.getRefDatabase().peel(ref);
    ObjectId head =
        peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : ref.getObjectId();
    if (head == null) {
      return false;
    }
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit tip = walk.parseCommit(head);
      return walk.isMergedInto(walk.parseCommit(target), tip);
    } catch (MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
      return false; // a tag of a tree or blob, or a commit this mirror lacks
    }
  }

  private static String shortName(String full) {
    if (full.startsWith(Constants.R_HEADS)) {
      return full.substring(Constants.R_HEADS.length());
    }
    if (full.startsWith(Constants.R_TAGS)) {
      return full.substring(Constants.R_TAGS.length());
    }
    return null;
  }

  @Override
  public void close() {
    repo.close();
  }
}
