package io.globalfunc.cli;

import io.globalfunc.core.library.ScanRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.StatusCommand;
import org.eclipse.jgit.api.errors.GitAPIException;

/**
 * What {@code gf save} did not take from the working tree (it saves what is committed): one note
 * per library file that is untracked, uncommitted, or deleted but still committed.
 */
final class WorkingTreeNotes {

  /** Notes beyond this many are summed up in one line. */
  static final int MAX = 20;

  private WorkingTreeNotes() {}

  /** Notes for the whole library. */
  static List<String> of(Workspace ws) {
    return of(ws, null);
  }

  /** Notes for one library path, or for the whole library when {@code path} is null. */
  static List<String> of(Workspace ws, String path) {
    String prefix = ws.prefix().isEmpty() ? "" : ws.prefix() + "/";
    Status s;
    try (Git git = new Git(ws.repo())) {
      StatusCommand status = git.status();
      if (path != null) {
        status.addPath(prefix + path);
      } else if (!prefix.isEmpty()) {
        status.addPath(ws.prefix());
      }
      s = status.call();
    } catch (GitAPIException e) {
      return List.of();
    }
    TreeMap<String, String> byPath = new TreeMap<>();
    put(byPath, prefix, s.getUntracked(), "is untracked: not saved (git add and commit it first)");
    put(byPath, prefix, s.getAdded(), "is not committed yet: not saved (gf commit first)");
    put(byPath, prefix, s.getModified(), "has uncommitted changes; saved the committed version");
    put(byPath, prefix, s.getChanged(), "has uncommitted changes; saved the committed version");
    put(
        byPath,
        prefix,
        s.getMissing(),
        "is deleted but still committed; saved the committed version");
    put(
        byPath,
        prefix,
        s.getRemoved(),
        "is deleted but still committed; saved the committed version");
    List<String> notes = new ArrayList<>();
    byPath.forEach(
        (p, what) -> {
          if (notes.size() < MAX) {
            notes.add(p + " " + what);
          }
        });
    if (byPath.size() > MAX) {
      notes.add((byPath.size() - MAX) + " more uncommitted change(s) in the library (git status)");
    }
    return notes;
  }

  private static void put(
      TreeMap<String, String> byPath, String prefix, Set<String> paths, String what) {
    for (String repoPath : paths) {
      if (!repoPath.startsWith(prefix)) {
        continue;
      }
      String p = repoPath.substring(prefix.length());
      if (ScanRules.isCatalogued(p)) {
        byPath.putIfAbsent(p, what);
      }
    }
  }
}
