package io.globalfunc.operator.support;

import io.globalfunc.core.library.GitLibraryReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.URIish;

/** A real Git repository made by a test: a bare remote and a working clone that pushes to it. */
public final class GitFixture implements AutoCloseable {

  private final Path bare;
  private final Git work;

  private GitFixture(Path bare, Git work) {
    this.bare = bare;
    this.work = work;
  }

  /**
   * A new bare repository with branch {@code master} holding {@code files}. Every such repository
   * grows from one fixed root commit, as clones and forks of one project do, so they share a
   * catalog space (a space belongs to one repository, identified by its root commit).
   */
  public static GitFixture create(Map<String, String> files) {
    return create(files, SHARED_ROOT);
  }

  /** As {@link #create(Map)}, but with a root commit of its own: an unrelated repository. */
  public static GitFixture createUnrelated(Map<String, String> files) {
    return create(files, new PersonIdent("Another Project", "other@globalfunc.io"));
  }

  /** The author (and time) of the fixed root commit of {@link #create(Map)}'s repositories. */
  private static final PersonIdent SHARED_ROOT =
      new PersonIdent(
          "GlobalFunc Test",
          "test@globalfunc.io",
          java.time.Instant.parse("2026-01-01T00:00:00Z"),
          java.time.ZoneOffset.UTC);

  private static GitFixture create(Map<String, String> files, PersonIdent root) {
    try {
      Path dir = Files.createTempDirectory("gf-git-");
      Path bare = dir.resolve("remote.git");
      Git.init()
          .setBare(true)
          .setInitialBranch("master")
          .setDirectory(bare.toFile())
          .call()
          .close();
      Git work =
          Git.init().setInitialBranch("master").setDirectory(dir.resolve("work").toFile()).call();
      work.remoteAdd().setName("origin").setUri(new URIish(bare.toUri().toString())).call();
      work.commit()
          .setAllowEmpty(true)
          .setMessage("project root")
          .setAuthor(root)
          .setCommitter(root)
          .call();
      GitFixture fixture = new GitFixture(bare, work);
      fixture.commit(files, "initial library");
      return fixture;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GitAPIException | java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The root commit of this repository's history: its identity in the catalog. */
  public String root() {
    try {
      return GitLibraryReader.rootCommit(work.getRepository(), "HEAD");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The two-function library most tests serve. */
  public static Map<String, String> sampleLibrary() {
    return Map.of(
        "Base/inverse_time_str.py",
        "import time\n\n\ndef inverse_time_str(time_str=None, bias_hours=0):\n"
            + "    \"\"\"Time string to timestamp.\"\"\"\n"
            + "    return time.mktime(time.strptime(time_str, '%Y-%m-%d %H:%M:%S')) + bias_hours * 3600\n",
        "Base/add.py",
        "def add(a, b):\n    return a + b\n",
        "remark.md",
        "# sample\n");
  }

  /** Writes files, commits them on master and pushes; returns the new commit id. */
  public String commit(Map<String, String> files, String message) {
    try {
      for (var e : files.entrySet()) {
        Path file = work.getRepository().getWorkTree().toPath().resolve(e.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
      }
      work.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("GlobalFunc Test", "test@globalfunc.io");
      RevCommit c = work.commit().setMessage(message).setAuthor(who).setCommitter(who).call();
      work.push().setRemote("origin").add("master").call();
      return c.getName();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GitAPIException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code file://} URL of the bare repository. */
  public String url() {
    return bare.toUri().toString();
  }

  @Override
  public void close() {
    work.close();
  }
}
