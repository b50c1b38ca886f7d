package io.globalfunc.cli;

import io.globalfunc.core.catalog.CatalogConfig;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.PushCommand;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.BranchConfig;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.RepositoryState;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gf commit -m MSG [--push]}: the seed's {@code git_commit_and_push} through JGit: stage the
 * library's changes, commit with a timestamped message, optionally push the branch.
 */
@Command(
    name = "commit",
    description =
        "Commit the library's changes (message gets a timestamp); --push pushes the branch.")
final class CommitCommand extends GfCommand {

  private static final DateTimeFormatter SEED_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @Option(names = "-m", required = true, paramLabel = "MSG", description = "Commit message.")
  String message;

  @Option(names = "--push", description = "Push the branch to its remote afterwards.")
  boolean push;

  @Override
  public Integer call() throws GitAPIException {
    if (message.isBlank()) {
      throw usage("the commit message is empty");
    }
    try (Workspace ws = workspace();
        Git git = new Git(ws.repo())) {
      String branch = ws.requireBranch("commit");
      Status before = git.status().call();
      Set<String> conflicting = before.getConflicting();
      if (!conflicting.isEmpty()) {
        throw new GfException(
            "unresolved conflicts in "
                + String.join(", ", conflicting)
                + "; resolve them (or abort the merge) before gf commit");
      }
      RepositoryState state = ws.repo().getRepositoryState();
      if (state != RepositoryState.SAFE) {
        throw new GfException(
            "the repository is not in a plain state ("
                + state.getDescription()
                + "): finish or abort the merge, rebase, cherry-pick or revert before gf commit");
      }
      String pattern = ws.prefix().isEmpty() ? "." : ws.prefix();
      git.add().addFilepattern(pattern).call();
      git.add().addFilepattern(pattern).setUpdate(true).call(); // stages deletions too
      Status staged = git.status().call();
      String committed = null;
      String full = null;
      if (staged.hasUncommittedChanges()) {
        full = message.strip() + " " + LocalDateTime.now().format(SEED_TIME);
        RevCommit c = git.commit().setMessage(full).call();
        committed = c.getId().name();
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("branch", branch);
      result.put("commit", committed);
      result.put("message", full);
      if (!json) {
        out()
            .println(
                committed != null
                    ? "committed " + Workspace.abbrev(committed) + " on " + branch + ": " + full
                    : "nothing to commit on " + branch);
      }
      if (push) {
        String remote = pushBranch(git, ws, branch);
        result.put("pushed_to", remote);
        if (!json) {
          out().println("pushed " + branch + " to " + remote);
        }
      }
      if (json) {
        printJson(result);
      }
      return 0;
    }
  }

  private String pushBranch(Git git, Workspace ws, String branch) {
    BranchConfig bc = new BranchConfig(ws.repo().getConfig(), branch);
    String remote = bc.getRemote() != null ? bc.getRemote() : Constants.DEFAULT_REMOTE_NAME;
    String url = ws.repo().getConfig().getString("remote", remote, "url");
    if (url == null) {
      throw new GfException(
          "no remote '"
              + remote
              + "' to push to; the commit stays local (git remote add origin URL)");
    }
    String merge = bc.getMerge() != null ? bc.getMerge() : Constants.R_HEADS + branch;
    PushCommand cmd =
        git.push()
            .setRemote(remote)
            .setRefSpecs(new RefSpec(Constants.R_HEADS + branch + ":" + merge));
    String user = env("GF_GIT_USERNAME");
    String password = env("GF_GIT_PASSWORD");
    String token = env("GF_GIT_TOKEN");
    if (token != null) {
      cmd.setCredentialsProvider(new UsernamePasswordCredentialsProvider("x-access-token", token));
    } else if (user != null && password != null) {
      cmd.setCredentialsProvider(new UsernamePasswordCredentialsProvider(user, password));
    }
    String where = remote + " (" + CatalogConfig.redact(url) + ")";
    Iterable<PushResult> results;
    try {
      results = cmd.call();
    } catch (TransportException e) {
      throw new GfException(
          "cannot push to "
              + where
              + ": "
              + firstLine(e.getMessage())
              + "; the commit stays local");
    } catch (GitAPIException e) {
      throw new GfException("push to " + where + " failed: " + firstLine(e.getMessage()));
    }
    for (PushResult r : results) {
      for (RemoteRefUpdate u : r.getRemoteUpdates()) {
        switch (u.getStatus()) {
          case OK, UP_TO_DATE -> {}
          case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED ->
              throw new GfException(
                  "push to "
                      + where
                      + " rejected: the remote "
                      + branch
                      + " has commits this one lacks; pull and merge, then gf commit --push"
                      + " again (the commit stays local)");
          default ->
              throw new GfException(
                  "push to "
                      + where
                      + " rejected ("
                      + u.getStatus()
                      + (u.getMessage() == null ? "" : ": " + u.getMessage())
                      + "); the commit stays local");
        }
      }
    }
    return where;
  }

  private static String firstLine(String s) {
    return s == null ? "" : CatalogConfig.redact(s.lines().findFirst().orElse(""));
  }
}
