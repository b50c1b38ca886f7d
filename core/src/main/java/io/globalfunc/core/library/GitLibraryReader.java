package io.globalfunc.core.library;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads a library out of Git objects at a pinned commit (never a working tree), through JGit. A
 * remote repository is mirrored into a bare cache folder first; a local repository is read in
 * place.
 */
public final class GitLibraryReader {

  private final ZoneId zone;

  public GitLibraryReader(ZoneId zone) {
    this.zone = zone;
  }

  public GitLibraryReader() {
    this(ZoneId.systemDefault());
  }

  /** A repository's branch resolved to a commit, with the local repository that holds it. */
  public record Resolved(Path gitDir, String branch, String commit) {}

  /**
   * Fetches {@code url} into a bare mirror under {@code cacheRoot} and resolves {@code branch} to
   * its commit, or checks that the pinned {@code commit} exists (when non-null).
   */
  public Resolved fetch(
      String url, String branch, String commit, GitCredentials credentials, Path cacheRoot) {
    Path gitDir = cacheRoot.resolve(mirrorName(url));
    fetchInto(url, gitDir, credentials);
    try (Repository repo = open(gitDir)) {
      return resolveIn(repo, gitDir, branch, commit);
    } catch (IOException e) {
      throw new LibraryException(
          LibraryException.Reason.IO, "cannot read the mirror of " + redact(url), e);
    }
  }

  /**
   * Fetches every branch and tag of {@code url} into the bare mirror {@code gitDir} (created when
   * missing); deleted branches go. Readers of the mirror may read while this runs.
   */
  public void fetchInto(String url, Path gitDir, GitCredentials credentials) {
    try {
      Files.createDirectories(gitDir.getParent());
      try (Git git =
          Files.isDirectory(gitDir.resolve("objects"))
              ? Git.open(gitDir.toFile())
              : Git.init()
                  .setBare(true)
                  .setGitDir(gitDir.toFile())
                  .setDirectory(gitDir.toFile())
                  .call()) {
        var fetch =
            git.fetch()
                .setRemote(url)
                .setRefSpecs(
                    new RefSpec("+refs/heads/*:refs/heads/*"),
                    // Tags too: callers may address a version by tag.
                    new RefSpec("+refs/tags/*:refs/tags/*"))
                .setRemoveDeletedRefs(true);
        if (credentials != null) {
          fetch.setCredentialsProvider(credentials.provider());
        }
        fetch.call();
      }
    } catch (InvalidRemoteException e) {
      throw new LibraryException(
          LibraryException.Reason.REPOSITORY_UNREACHABLE, "no repository at " + redact(url), e);
    } catch (TransportException e) {
      throw transportFailure(url, e);
    } catch (GitAPIException | IOException e) {
      throw new LibraryException(
          LibraryException.Reason.IO, "cannot fetch " + redact(url) + ": " + e.getMessage(), e);
    }
  }

  /** Resolves a branch (or checks a pinned commit) in a local repository, without fetching. */
  public Resolved resolveLocal(Path repoDir, String branch, String commit) {
    try (Repository repo = open(repoDir)) {
      return resolveIn(repo, repo.getDirectory().toPath(), branch, commit);
    } catch (IOException e) {
      throw new LibraryException(
          LibraryException.Reason.NOT_A_LIBRARY, "not a Git repository: " + repoDir, e);
    }
  }

  /** Reads the catalogued files of the library at {@code resolved.commit()}. */
  public Library read(Resolved resolved, String source) {
    List<LibraryFile> files = new ArrayList<>();
    try (Repository repo = open(resolved.gitDir())) {
      Instant time = commitTime(repo, resolved.commit());
      walk(
          repo,
          resolved.commit(),
          true,
          (path, bytes) ->
              files.add(new LibraryFile(path, bytes, ScanRules.meta(path, bytes, time, zone))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Library(source, resolved.branch(), resolved.commit(), files);
  }

  /**
   * The root commit of the first-parent history of {@code resolved.commit()}: the same in every
   * clone of a repository, different in an unrelated one, so it identifies the repository.
   */
  public String rootCommit(Resolved resolved) {
    try (Repository repo = open(resolved.gitDir())) {
      return rootCommit(repo, resolved.commit());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As {@link #rootCommit(Resolved)}, in an open repository from {@code commit} (any revision). */
  public static String rootCommit(Repository repo, String commit) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      walk.setRetainBody(false);
      ObjectId start = repo.resolve(commit + "^{commit}");
      if (start == null) {
        throw new LibraryException(
            LibraryException.Reason.COMMIT_NOT_FOUND,
            "commit " + commit + " is not in the repository");
      }
      RevCommit c = walk.parseCommit(start);
      while (c.getParentCount() > 0) {
        c = walk.parseCommit(c.getParent(0));
      }
      return c.name();
    }
  }

  /**
   * Writes every file of the commit (helpers, {@code __init__.py} and all, which functions may
   * import) into {@code target}, so Python runs exactly what was committed.
   */
  public void checkout(Resolved resolved, Path target) {
    try (Repository repo = open(resolved.gitDir())) {
      Files.createDirectories(target);
      walk(
          repo,
          resolved.commit(),
          false,
          (path, bytes) -> {
            Path file = target.resolve(path).normalize();
            if (!file.startsWith(target)) {
              throw new IllegalStateException("path escapes the library: " + path);
            }
            try {
              Files.createDirectories(file.getParent());
              Files.write(file, bytes);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Resolved resolveIn(Repository repo, Path gitDir, String branch, String commit)
      throws IOException {
    if (commit != null && !commit.isBlank()) {
      ObjectId id;
      try {
        id = repo.resolve(commit + "^{commit}");
      } catch (RuntimeException | IOException e) {
        id = null; // not a commit of this repository
      }
      if (id == null) {
        throw new LibraryException(
            LibraryException.Reason.COMMIT_NOT_FOUND,
            "commit " + commit + " is not in the repository");
      }
      return new Resolved(gitDir, branch, id.name());
    }
    Ref ref = repo.exactRef(Constants.R_HEADS + branch);
    if (ref == null || ref.getObjectId() == null) {
      throw new LibraryException(
          LibraryException.Reason.BRANCH_NOT_FOUND, "branch " + branch + " does not exist");
    }
    return new Resolved(gitDir, branch, ref.getObjectId().name());
  }

  private static Repository open(Path dir) throws IOException {
    FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
    if (Files.isDirectory(dir.resolve(".git"))) {
      builder.setWorkTree(dir.toFile());
    } else {
      builder.setGitDir(dir.toFile());
    }
    return builder.build();
  }

  private static Instant commitTime(Repository repo, String commit) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
      return c.getCommitterIdent().getWhenAsInstant();
    } catch (MissingObjectException e) {
      throw new LibraryException(
          LibraryException.Reason.COMMIT_NOT_FOUND,
          "commit " + commit + " is not in the repository",
          e);
    }
  }

  private static void walk(
      Repository repo, String commit, boolean scanRulesOnly, BiConsumer<String, byte[]> sink)
      throws IOException {
    try (RevWalk revWalk = new RevWalk(repo);
        ObjectReader reader = repo.newObjectReader();
        TreeWalk tree = new TreeWalk(repo, reader)) {
      RevCommit c = revWalk.parseCommit(ObjectId.fromString(commit));
      tree.addTree(c.getTree());
      tree.setRecursive(false);
      while (tree.next()) {
        String name = tree.getNameString();
        if (tree.isSubtree()) {
          if (!scanRulesOnly || !ScanRules.isSkippedFolder(name)) {
            tree.enterSubtree();
          }
          continue;
        }
        FileMode mode = tree.getFileMode(0);
        if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
          continue; // symlinks and submodules are never read
        }
        if (scanRulesOnly && !ScanRules.isCatalogued(tree.getPathString())) {
          continue;
        }
        sink.accept(tree.getPathString(), reader.open(tree.getObjectId(0)).getBytes());
      }
    }
  }

  private static LibraryException transportFailure(String url, TransportException e) {
    String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    boolean auth =
        msg.contains("not authorized")
            || msg.contains("authentication")
            || msg.contains("401")
            || msg.contains("403")
            || msg.contains("credentialsprovider");
    return new LibraryException(
        auth
            ? LibraryException.Reason.AUTHENTICATION_FAILED
            : LibraryException.Reason.REPOSITORY_UNREACHABLE,
        (auth ? "authentication failed for " : "cannot reach ") + redact(url),
        null);
  }

  /** A URL with any user-info removed, safe for logs and status. */
  public static String redact(String url) {
    return url == null ? null : url.replaceAll("(?<=://)[^/@]*@", "***@");
  }

  private static String mirrorName(String url) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(redact(url).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 12) + ".git";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
