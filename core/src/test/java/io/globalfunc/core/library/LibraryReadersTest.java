package io.globalfunc.core.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.globalfunc.core.testing.TestLibraries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryReadersTest {

  private static final ZoneId UTC = ZoneId.of("UTC");

  @TempDir Path tmp;

  @Test
  void directoryScanFollowsTheSeedRules() {
    Library lib =
        new DirectoryLibraryReader(UTC).read(TestLibraries.writeMisbehaving(tmp.resolve("lib")));
    assertThat(lib.byPath())
        .containsKey("Base/inverse_time_str.py")
        .containsKey("Base/notes.md")
        .containsKey("Base/_helpers.py") // a package helper: catalogued, never callable
        .doesNotContainKey("Base/__init__.py")
        .doesNotContainKey("Base/data.pkl")
        .doesNotContainKey("_private/hidden.py")
        .doesNotContainKey(".hidden/secret.py");
    LibraryFile f = lib.file("Base/add.py").orElseThrow();
    assertThat(f.key()).isEqualTo("Base.add.py");
    assertThat(f.meta().name()).isEqualTo("add.py");
    assertThat(f.meta().lineCount()).isEqualTo(2);
    assertThat(f.meta().hash()).isEqualTo(ScanRules.md5(f.bytes()));
    assertThat(f.meta().modifiedTime()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
    assertThat(lib.functionFiles())
        .extracting(x -> x.functionRef().orElseThrow().callName())
        .doesNotContain("Base._helpers")
        .contains("Base.add", "中文包.时间戳")
        .doesNotContain("Base.notes");
  }

  @Test
  void lineCountMatchesPython() {
    assertThat(ScanRules.lineCount("".getBytes(StandardCharsets.UTF_8))).isZero();
    assertThat(ScanRules.lineCount("a".getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
    assertThat(ScanRules.lineCount("a\n".getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
    assertThat(ScanRules.lineCount("a\r\nb\rc".getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
    assertThat(ScanRules.md5("abc".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("900150983cd24fb0d6963f7d28e17f72");
  }

  @Test
  void notAFolderIsAClearError() {
    assertThatThrownBy(() -> new DirectoryLibraryReader().read(tmp.resolve("missing")))
        .isInstanceOf(LibraryException.class)
        .hasMessageContaining("not a folder");
  }

  @Test
  void gitReadsTheCommittedTreeAtEachBranchNeverTheWorkingTree() throws Exception {
    Path repo = tmp.resolve("repo");
    TestLibraries.write(
        repo, java.util.Map.of("Base/add.py", "def add(a, b=2):\n    return a + b\n"));
    String masterCommit;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call()) {
      git.add().addFilepattern(".").call();
      masterCommit =
          git.commit()
              .setMessage("one")
              .setAuthor("t", "t@x")
              .setCommitter("t", "t@x")
              .call()
              .name();
      git.branchCreate().setName("release/1.2").call();
      git.checkout().setName("release/1.2").call();
      TestLibraries.write(
          repo, java.util.Map.of("Base/sub.py", "def sub(a, b):\n    return a - b\n"));
      git.add().addFilepattern(".").call();
      git.commit().setMessage("two").setAuthor("t", "t@x").setCommitter("t", "t@x").call();
    }
    // An uncommitted change must not be served.
    Files.writeString(repo.resolve("Base/add.py"), "def add(a, b):\n    return 'dirty'\n");
    Files.writeString(repo.resolve("Base/uncommitted.py"), "def uncommitted():\n    return 1\n");

    GitLibraryReader reader = new GitLibraryReader(UTC);
    Path cache = tmp.resolve("cache");
    String url = repo.toUri().toString();
    GitLibraryReader.Resolved master = reader.fetch(url, "master", null, null, cache);
    assertThat(master.commit()).isEqualTo(masterCommit);
    Library atMaster = reader.read(master, url);
    assertThat(atMaster.byPath()).containsOnlyKeys("Base/add.py");
    assertThat(atMaster.file("Base/add.py").orElseThrow().text()).contains("a + b");

    GitLibraryReader.Resolved release = reader.fetch(url, "release/1.2", null, null, cache);
    assertThat(reader.read(release, url).byPath()).containsOnlyKeys("Base/add.py", "Base/sub.py");

    GitLibraryReader.Resolved pinned = reader.fetch(url, "release/1.2", masterCommit, null, cache);
    assertThat(reader.read(pinned, url).byPath()).containsOnlyKeys("Base/add.py");

    // The repository's identity: the same root from every branch of the mirror and the clone.
    assertThat(reader.rootCommit(release)).isEqualTo(masterCommit);
    assertThat(reader.rootCommit(master)).isEqualTo(masterCommit);
    try (Git clone = Git.open(repo.toFile())) {
      assertThat(GitLibraryReader.rootCommit(clone.getRepository(), "release/1.2"))
          .isEqualTo(masterCommit);
    }

    Path out = tmp.resolve("checkout");
    reader.checkout(release, out);
    assertThat(out.resolve("Base/sub.py")).exists();
    assertThat(Files.readString(out.resolve("Base/add.py"))).contains("a + b");
  }

  @Test
  void gitFailuresHaveReasons() throws Exception {
    Path repo = tmp.resolve("repo2");
    TestLibraries.write(repo, java.util.Map.of("Base/add.py", "def add(a):\n    return a\n"));
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("one").setAuthor("t", "t@x").setCommitter("t", "t@x").call();
    }
    GitLibraryReader reader = new GitLibraryReader(UTC);
    String url = repo.toUri().toString();
    assertThatThrownBy(() -> reader.fetch(url, "nope", null, null, tmp.resolve("c")))
        .isInstanceOfSatisfying(
            LibraryException.class,
            e -> assertThat(e.reason()).isEqualTo(LibraryException.Reason.BRANCH_NOT_FOUND));
    assertThatThrownBy(
            () ->
                reader.fetch(
                    url,
                    "master",
                    "0123456789012345678901234567890123456789",
                    null,
                    tmp.resolve("c")))
        .isInstanceOfSatisfying(
            LibraryException.class,
            e -> assertThat(e.reason()).isEqualTo(LibraryException.Reason.COMMIT_NOT_FOUND));
    assertThatThrownBy(
            () ->
                reader.fetch(
                    tmp.resolve("no-such-repo").toUri().toString(),
                    "master",
                    null,
                    null,
                    tmp.resolve("c")))
        .isInstanceOfSatisfying(
            LibraryException.class,
            e -> assertThat(e.reason()).isEqualTo(LibraryException.Reason.REPOSITORY_UNREACHABLE));
  }

  @Test
  void urlsAreRedacted() {
    assertThat(GitLibraryReader.redact("https://user:s3cret@git.example/x.git"))
        .isEqualTo("https://***@git.example/x.git")
        .doesNotContain("s3cret");
  }
}
