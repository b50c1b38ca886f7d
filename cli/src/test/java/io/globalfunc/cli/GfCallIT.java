package io.globalfunc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.core.testing.RuntimeProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gf call}: arguments typed by the function's annotations ({@code k:=json} as is), prints
 * shown on stderr for local calls, and a remote failure keeping its exception type and traceback;
 * {@code gf map --ref} over a runtime's URL and over Redis.
 */
class GfCallIT {

  static final ObjectMapper JSON = new ObjectMapper();

  static final String SHOUT =
      """
      def shout(text: str, n: int = 1, loud: bool = False, extra=None):
          print("debug:", repr(text), n, loud)
          if text == "boom":
              raise ValueError("went boom")
          return {"text": text, "n": n, "loud": loud, "extra": extra}
      """;

  @TempDir Path tmp;
  Path repo;
  GfProcess gf;

  @BeforeEach
  void setUp() throws Exception {
    repo = tmp.resolve("lib");
    Files.createDirectories(repo.resolve("P"));
    Files.writeString(repo.resolve("P/shout.py"), SHOUT);
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("lib").setAuthor("T", "t@e").setCommitter("T", "t@e").call();
    }
    gf = new GfProcess(tmp.resolve("home"));
  }

  static void assertTyped(GfProcess.Result r) throws Exception {
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode out = JSON.readTree(r.out());
    assertThat(out.get("text").isTextual()).as(r.toString()).isTrue();
    assertThat(out.get("text").asText()).isEqualTo("0123456789"); // a phone number stays text
    assertThat(out.get("n").isInt()).isTrue();
    assertThat(out.get("loud").isBoolean()).isTrue();
    assertThat(out.get("extra").get(1).asInt()).isEqualTo(2);
  }

  static final String[] TYPED_ARGS = {
    "call", "P.shout", "text=0123456789", "n=3", "loud=true", "extra:=[1,2]"
  };

  @Test
  void localCallsAreTypedByAnnotationsAndShowPrints() throws Exception {
    GfProcess.Result r = gf.run(repo, concat(TYPED_ARGS, "--local"));
    assertTyped(r);
    assertThat(r.err()).contains("debug: '0123456789' 3 True");

    GfProcess.Result bad = gf.run(repo, "call", "P.shout", "text=x", "n=three");
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(2);
    assertThat(bad.err()).contains("'n=three' does not parse as int").contains("n:=JSON");
    GfProcess.Result badJson = gf.run(repo, "call", "P.shout", "text:=nope");
    assertThat(badJson.exit()).as(badJson.toString()).isEqualTo(2);
    assertThat(badJson.err()).contains("is not one JSON value");

    GfProcess.Result boom = gf.run(repo, "call", "P.shout", "text=boom", "--traceback");
    assertThat(boom.exit()).isEqualTo(1);
    assertThat(boom.err())
        .contains("debug: 'boom'")
        .contains("Traceback")
        .contains("gf: P.shout: raised: ValueError: went boom");
  }

  @Test
  void remoteCallsAreTypedByTheServedAnnotationsAndKeepTheExceptionType() throws Exception {
    Path jar =
        GfProcess.jar()
            .getParent()
            .getParent()
            .getParent()
            .resolve("runtime-image/target/quarkus-app/quarkus-run.jar");
    Assumptions.assumeTrue(Files.isRegularFile(jar), "runtime-image not built");
    try (RuntimeProcesses runtimes = new RuntimeProcesses(jar)) {
      RuntimeProcesses.Runtime rt =
          runtimes.start(tmp, Map.of("GF_FUNCTIONS_DIR", repo.toString()));
      String url = "http://127.0.0.1:" + rt.port();
      assertTyped(gf.run(tmp, concat(TYPED_ARGS, "--url", url)));

      GfProcess.Result plain = gf.run(tmp, "call", "P.shout", "text=boom", "--url", url);
      assertThat(plain.exit()).as(plain.toString()).isEqualTo(1);
      assertThat(plain.err()).contains("ValueError: went boom").doesNotContain("Traceback");

      GfProcess.Result tb =
          gf.run(tmp, "call", "P.shout", "text=boom", "--url", url, "--traceback");
      assertThat(tb.err()).contains("Traceback").contains("raise ValueError(\"went boom\")");
    }
  }

  @Test
  void mapRunsTheVersionItIsAskedForOverTheUrlAndOverRedis() throws Exception {
    Path jar = runtimeJar();
    Assumptions.assumeTrue(Files.isRegularFile(jar), "runtime-image not built");
    try (Git git = Git.open(repo.toFile())) {
      git.branchCreate().setName("dev").call();
      git.checkout().setName("dev").call();
      Files.writeString(repo.resolve("P/ver.py"), "def ver(x):\n    return x + 100\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("dev").setAuthor("T", "t@e").setCommitter("T", "t@e").call();
      git.checkout().setName("master").call();
      Files.writeString(repo.resolve("P/ver.py"), "def ver(x):\n    return x + 1\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("master").setAuthor("T", "t@e").setCommitter("T", "t@e").call();
    }
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, "{\"x\":1}\n{\"x\":2}\n{\"x\":3}\n");
    try (RedisServer redis = RedisServer.start();
        RuntimeProcesses runtimes = new RuntimeProcesses(jar)) {
      Map<String, String> env = new HashMap<>();
      env.put("GF_REPOSITORY_URL", repo.toUri().toString());
      env.put("GF_BRANCH", "master");
      env.put("GF_REFS", "dev");
      env.put("GF_REDIS_URI", redis.uri());
      env.put("GF_CACHE_DIR", tmp.resolve("cache").toString());
      env.put("GF_WORK_DIR", tmp.resolve("work").toString());
      env.put("GF_PYTHON_WORKERS", "1");
      String url = "http://127.0.0.1:" + runtimes.start(tmp, env).port();

      assertThat(mapped(in, "url", "--url", url)).containsExactly(2, 3, 4);
      assertThat(mapped(in, "url-dev", "--url", url, "--ref", "dev"))
          .containsExactly(101, 102, 103);
      assertThat(
              mapped(in, "redis-dev", "--redis", redis.uri(), "--branch", "master", "--ref", "dev"))
          .containsExactly(101, 102, 103);
      // --provenance keeps the name of what answered: the dev version.
      assertThat(Files.readString(tmp.resolve("redis-dev.jsonl"))).contains("P_dev.ver");

      GfProcess.Result refused =
          gf.run(
              tmp,
              "map",
              "P.ver",
              "--input",
              in.toString(),
              "--output",
              tmp.resolve("no.jsonl").toString(),
              "--url",
              url,
              "--ref",
              "no-such-ref");
      assertThat(refused.exit()).as(refused.toString()).isNotZero();
      assertThat(refused.err()).contains("at ref no-such-ref");
    }
  }

  /** Runs {@code gf map P.ver} into {@code <name>.jsonl} and returns each line's result. */
  private List<Integer> mapped(Path in, String name, String... how) throws Exception {
    Path out = tmp.resolve(name + ".jsonl");
    String[] args = {
      "map", "P.ver", "--input", in.toString(), "--output", out.toString(), "--provenance"
    };
    GfProcess.Result r = gf.run(tmp, concat(args, how));
    assertThat(r.exit()).as(r.toString()).isZero();
    List<Integer> got = new ArrayList<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      got.add(JSON.readTree(line).path("result").asInt());
    }
    return got;
  }

  private static Path runtimeJar() {
    return GfProcess.jar()
        .getParent()
        .getParent()
        .getParent()
        .resolve("runtime-image/target/quarkus-app/quarkus-run.jar");
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
