package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.testing.TestLibraries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The init-container mode: fetch the pinned commit into a folder and exit, as a real process. */
class FetchOnlyIT {

  @TempDir Path tmp;

  private int fetch(Map<String, String> env, Path log) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "java",
                "-jar",
                System.getProperty(
                    "gf.runtime.jar", "../runtime-image/target/quarkus-app/quarkus-run.jar"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("QUARKUS_HTTP_PORT", "0");
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("fetch-only mode exits").isTrue();
    return p.exitValue();
  }

  @Test
  void fetchesThePinnedCommitIncludingHelpersAndExits() throws Exception {
    Path repo = tmp.resolve("repo");
    TestLibraries.write(
        repo,
        Map.of(
            "Base/add.py", "def add(a, b=2):\n    return a + b\n", "Base/_helpers.py", "X = 1\n"));
    String first;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call()) {
      git.add().addFilepattern(".").call();
      first =
          git.commit()
              .setMessage("one")
              .setAuthor("t", "t@x")
              .setCommitter("t", "t@x")
              .call()
              .name();
      TestLibraries.write(repo, Map.of("Base/sub.py", "def sub(a, b):\n    return a - b\n"));
      git.add().addFilepattern(".").call();
      git.commit().setMessage("two").setAuthor("t", "t@x").setCommitter("t", "t@x").call();
    }
    Path target = tmp.resolve("library");
    int exit =
        fetch(
            Map.of(
                "GF_FETCH_ONLY",
                "true",
                "GF_REPOSITORY_URL",
                repo.toUri().toString(),
                "GF_BRANCH",
                "master",
                "GF_COMMIT",
                first,
                "GF_FETCH_TARGET",
                target.toString(),
                "GF_CACHE_DIR",
                tmp.resolve("cache").toString(),
                "GF_GIT_PASSWORD",
                "s3cret-never-logged"),
            tmp.resolve("ok.log"));
    assertThat(exit).as(Files.readString(tmp.resolve("ok.log"))).isZero();
    assertThat(target.resolve("Base/add.py")).exists();
    assertThat(target.resolve("Base/_helpers.py")).exists();
    assertThat(target.resolve("Base/sub.py"))
        .as("the pinned commit, not the branch head")
        .doesNotExist();
    assertThat(Files.readString(tmp.resolve("ok.log"))).doesNotContain("s3cret-never-logged");
  }

  @Test
  void anUnknownBranchExitsNonZeroWithTheReason() throws Exception {
    Path repo = tmp.resolve("repo2");
    TestLibraries.write(repo, Map.of("Base/add.py", "def add(a):\n    return a\n"));
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("one").setAuthor("t", "t@x").setCommitter("t", "t@x").call();
    }
    int exit =
        fetch(
            Map.of(
                "GF_FETCH_ONLY", "true",
                "GF_REPOSITORY_URL", repo.toUri().toString(),
                "GF_BRANCH", "nope",
                "GF_FETCH_TARGET", tmp.resolve("lib2").toString(),
                "GF_CACHE_DIR", tmp.resolve("cache2").toString()),
            tmp.resolve("bad.log"));
    assertThat(exit).isEqualTo(1);
    assertThat(Files.readString(tmp.resolve("bad.log"))).contains("branch nope does not exist");
  }
}
