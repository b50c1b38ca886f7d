package io.globalfunc.runtime;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.globalfunc.core.testing.TestLibraries;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;

/**
 * Serves a library straight from a Git repository made by the test, at a branch other than the
 * default, never from a working tree.
 */
@QuarkusTest
@TestProfile(GitLibraryServingIT.FeatureBranch.class)
class GitLibraryServingIT {

  /** A repository with {@code master} and {@code release/1.2}; the runtime serves the latter. */
  public static class FeatureBranch implements QuarkusTestProfile {
    static String releaseCommit;

    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Path root = Files.createTempDirectory("gf-git-test-");
        Path repo = root.resolve("repo");
        TestLibraries.write(repo, Map.of("Base/add.py", "def add(a, b=2):\n    return a + b\n"));
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call()) {
          git.add().addFilepattern(".").call();
          git.commit().setMessage("master").setAuthor("t", "t@x").setCommitter("t", "t@x").call();
          git.checkout().setCreateBranch(true).setName("release/1.2").call();
          TestLibraries.write(
              repo,
              Map.of(
                  "Base/add.py",
                  "def add(a, b=2):\n    return (a + b) * 100\n",
                  "Base/sub.py",
                  "def sub(a, b):\n    return a - b\n"));
          git.add().addFilepattern(".").call();
          releaseCommit =
              git.commit()
                  .setMessage("release")
                  .setAuthor("t", "t@x")
                  .setCommitter("t", "t@x")
                  .call()
                  .name();
          git.checkout().setName("master").call();
        }
        // Uncommitted work in the repository is never served.
        Files.writeString(repo.resolve("Base/dirty.py"), "def dirty():\n    return 1\n");
        return Map.of(
            "gf.repository-url", repo.toUri().toString(),
            "gf.branch", "release/1.2",
            "gf.cache-dir", root.resolve("cache").toString(),
            "gf.python-workers", "1",
            "gf.python", System.getProperty("gf.python", "python3"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void servesTheBranchAtItsPinnedCommit() {
    given()
        .contentType("application/json")
        .body("{\"pack_func\":\"Base.add\",\"kwargs\":{\"a\":1}}")
        .post("/gfgo/")
        .then()
        .statusCode(200)
        .body(equalTo("300"));
    given()
        .get("/v1/functions")
        .then()
        .statusCode(200)
        .body("name", hasItem("Base.sub"))
        .body("name", not(hasItem("Base.dirty")))
        .body("commit", hasItem(FeatureBranch.releaseCommit))
        .body("fullName", hasItem("sp_GlobalFunc.Base_release~2F1~2E2.add"));
  }
}
