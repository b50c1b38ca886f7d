package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.testing.RuntimeProcesses;
import io.globalfunc.core.testing.TestLibraries;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod layout without Git credentials in the runtime: a fetch agent process alone knows the
 * repository and keeps a shared mirror; a runtime process reads that mirror read-only and asks the
 * agent for a ref it lacks, and switches its release in place after a push.
 */
class FetchAgentIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void aRuntimeWithoutCredentialsServesRefsTheAgentFetches() throws Exception {
    Path repo = tmp.resolve("repo");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call();
        RuntimeProcesses processes = new RuntimeProcesses()) {
      String c1 = commit(git, repo, "def add(a, b):\n    return a + b\n");
      Path mirror = tmp.resolve("shared").resolve("mirror.git");
      RuntimeProcesses.Runtime agent =
          processes.start(
              tmp,
              Map.of(
                  "GF_FETCH_AGENT", "true",
                  "GF_REPOSITORY_URL", repo.toUri().toString(),
                  "GF_MIRROR_DIR", mirror.toString(),
                  "GF_FETCH_INTERVAL", "1h",
                  "QUARKUS_HTTP_HOST", "127.0.0.1"));
      RuntimeProcesses.Runtime runtime =
          processes.start(
              tmp,
              Map.of(
                  "GF_MIRROR_DIR",
                  mirror.toString(),
                  "GF_FETCH_AGENT_URL",
                  "http://127.0.0.1:" + agent.port(),
                  "GF_BRANCH",
                  "master",
                  "GF_REFS",
                  "master,exp-*",
                  "GF_PYTHON_WORKERS",
                  "1",
                  "GF_CACHE_DIR",
                  tmp.resolve("runtime-cache").toString()));
      HttpResponse<String> r = call(runtime, "");
      assertThat(r.body()).isEqualTo("3");
      assertThat(r.headers().firstValue("GF-Commit")).hasValue(c1);

      // A branch pushed after start: the runtime's mirror lacks it, the agent fetches it.
      git.checkout().setCreateBranch(true).setName("exp-late").call();
      String late = commit(git, repo, "def add(a, b):\n    return (a + b) * 2\n");
      r = call(runtime, "?ref=exp-late");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("6");
      assertThat(r.headers().firstValue("GF-Commit")).hasValue(late);
      assertThat(call(runtime, "?ref=exp-never").statusCode()).isEqualTo(404);

      // The release's branch moves: the runtime switches in place through the agent's fetch.
      git.checkout().setName("master").call();
      String c2 = commit(git, repo, "def add(a, b):\n    return (a + b) * 3\n");
      HttpResponse<String> switched =
          HTTP.send(
              HttpRequest.newBuilder(runtime.uri("/v1/release"))
                  .timeout(Duration.ofSeconds(120))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(switched.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(switched.body()).get("commit").asText()).isEqualTo(c2);
      assertThat(call(runtime, "").body()).isEqualTo("9");
      assertThat(runtime.process().isAlive()).isTrue();
    }
  }

  private static String commit(Git git, Path repo, String add) throws Exception {
    TestLibraries.write(repo, Map.of("Base/add.py", add));
    git.add().addFilepattern(".").call();
    return git.commit()
        .setMessage("m")
        .setAuthor("t", "t@x")
        .setCommitter("t", "t@x")
        .call()
        .name();
  }

  private static HttpResponse<String> call(RuntimeProcesses.Runtime rt, String query)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(rt.uri("/v1/functions/Base/add" + query))
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1,\"b\":2}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
