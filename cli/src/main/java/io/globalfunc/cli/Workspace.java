package io.globalfunc.cli;

import io.globalfunc.core.catalog.RepositoryClaim;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.core.library.GitSystemConfig;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.library.ScanRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The function library gf works on: the Git repository around the current folder and the library
 * root inside it. The root is the nearest folder (from the current one up to the repository's top)
 * holding a {@value #MARKER} file, else the repository's top; {@code GF_LIBRARY} overrides both.
 */
final class Workspace implements AutoCloseable {

  /** Marks a library root below the repository's top (e.g. {@code examples/functions}). */
  static final String MARKER = ".gf-library";

  private final Repository repo;
  private final Path top;
  private final Path root;

  private Workspace(Repository repo, Path top, Path root) {
    this.repo = repo;
    this.top = top;
    this.root = root;
  }

  /** Finds the library around {@code start}. */
  static Workspace find(Path start, String libraryOverride) {
    Path cwd = start.toAbsolutePath().normalize();
    if (!Files.isDirectory(cwd)) {
      throw new GfException("not a folder: " + cwd);
    }
    GitSystemConfig.install();
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(cwd.toFile());
    if (builder.getGitDir() == null) {
      throw new GfException("not inside a function library: no Git repository at or above " + cwd);
    }
    Repository repo;
    try {
      repo = builder.setMustExist(true).build();
    } catch (IOException e) {
      throw new GfException("cannot open the Git repository above " + cwd + ": " + e.getMessage());
    }
    if (repo.isBare()) {
      repo.close();
      throw new GfException("not inside a function library: " + cwd + " is a bare repository");
    }
    Path top = repo.getWorkTree().toPath().toAbsolutePath().normalize();
    Path root;
    if (libraryOverride != null && !libraryOverride.isBlank()) {
      root = cwd.resolve(libraryOverride).normalize();
      if (!Files.isDirectory(root) || !root.startsWith(top)) {
        repo.close();
        throw new GfException(
            "GF_LIBRARY " + libraryOverride + " is not a folder inside the repository " + top);
      }
    } else {
      root = top;
      for (Path p = cwd; p != null && p.startsWith(top); p = p.getParent()) {
        if (Files.isRegularFile(p.resolve(MARKER))) {
          root = p;
          break;
        }
      }
    }
    return new Workspace(repo, top, root);
  }

  Repository repo() {
    return repo;
  }

  /** The repository's top folder. */
  Path top() {
    return top;
  }

  /** The library root (package folders live here). */
  Path root() {
    return root;
  }

  /** The library root relative to the repository's top, {@code ""} when they are the same. */
  String prefix() {
    return top.relativize(root).toString().replace(root.getFileSystem().getSeparator(), "/");
  }

  /** The checked-out branch, or empty when HEAD is detached. */
  Optional<String> branch() {
    try {
      String full = repo.getFullBranch();
      return full != null && full.startsWith(Constants.R_HEADS)
          ? Optional.of(full.substring(Constants.R_HEADS.length()))
          : Optional.empty();
    } catch (IOException e) {
      throw new GfException("cannot read HEAD: " + e.getMessage());
    }
  }

  /** The checked-out branch, or a failure saying HEAD is detached. */
  String requireBranch(String toDo) {
    return branch()
        .orElseThrow(
            () ->
                new GfException(
                    "HEAD is detached at "
                        + abbrev(headOrNull())
                        + "; check out a branch to "
                        + toDo));
  }

  /** HEAD's commit id, or null in a repository without commits. */
  String headOrNull() {
    try {
      ObjectId id = repo.resolve(Constants.HEAD);
      return id == null ? null : id.name();
    } catch (IOException e) {
      throw new GfException("cannot read HEAD: " + e.getMessage());
    }
  }

  /**
   * The repository's identity for the catalog: the root commit of the first-parent history of
   * {@code commit} (the same in every clone), and its origin URL (or folder) for messages.
   */
  RepositoryClaim identity(String commit) {
    try {
      String origin = repo.getConfig().getString("remote", "origin", "url");
      return new RepositoryClaim(
          GitLibraryReader.rootCommit(repo, commit), origin != null ? origin : top.toString());
    } catch (IOException e) {
      throw new GfException("cannot read the history of " + top + ": " + e.getMessage());
    }
  }

  /**
   * The library as committed at the head of the current branch (Git objects, not the working tree),
   * with paths relative to the library root.
   */
  Library readCommitted(String toDo) {
    String branch = requireBranch(toDo);
    if (headOrNull() == null) {
      throw new GfException(
          "branch " + branch + " has no commits yet; commit first (gf commit -m ...)");
    }
    GitLibraryReader reader = new GitLibraryReader();
    GitLibraryReader.Resolved resolved =
        reader.resolveLocal(repo.getDirectory().toPath(), branch, null);
    Library whole = reader.read(resolved, root.toString());
    String prefix = prefix();
    if (prefix.isEmpty()) {
      return whole;
    }
    List<LibraryFile> files = new ArrayList<>();
    for (LibraryFile f : whole.files()) {
      if (f.path().startsWith(prefix + "/")) {
        String rel = f.path().substring(prefix.length() + 1);
        if (ScanRules.isCatalogued(rel)) {
          files.add(new LibraryFile(rel, f.bytes(), f.meta()));
        }
      }
    }
    return new Library(root.toString(), whole.branch(), whole.commit(), files);
  }

  static String abbrev(String commit) {
    return commit == null ? "(no commit)" : commit.substring(0, Math.min(7, commit.length()));
  }

  @Override
  public void close() {
    repo.close();
  }
}
