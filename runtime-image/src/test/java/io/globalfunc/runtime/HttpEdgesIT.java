package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.core.testing.RuntimeProcesses;
import io.globalfunc.core.testing.TestLibraries;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP edges of a real runtime process: secrets unreadable from functions, problem+json for
 * every answer (unknown routes, wrong methods, form-encoded JSON, impossible batch ids, many
 * invalid map items), and results whose keys collide once stringified.
 */
class HttpEdgesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "tok-" + UUID.randomUUID();
  private static final String RELEASE_TOKEN = "rel-" + UUID.randomUUID();
  private static final String DB_PASSWORD = "pw-" + UUID.randomUUID();
  private static final String PEEK =
      """
      import os


      def _read(path):
          try:
              with open(path, "rb") as f:
                  return f.read().decode("utf-8", "replace")
          except OSError:
              return ""


      def peek():
          own = "\\n".join("%s=%s" % kv for kv in os.environ.items())
          return {
              "own": own,
              "parent": _read("/proc/%d/environ" % os.getppid()),
              "init": _read("/proc/1/environ"),
          }
      """;

  @TempDir static Path tmp;
  private static RedisServer redis;
  private static RuntimeProcesses runtimes;
  private static RuntimeProcesses.Runtime rt;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    Path lib =
        TestLibraries.write(
            tmp.resolve("lib"),
            Map.of(
                "Sec/peek.py", PEEK,
                "Util/echo.py", "def echo(**kw):\n    return kw\n",
                "Util/collide.py", "def collide():\n    return {'a': [{1: 'int', '1': 'str'}]}\n",
                "Util/keys.py", "def keys():\n    return {1: 'one', 2: 'two'}\n"));
    Path secrets = Files.createDirectories(tmp.resolve("secrets"));
    Files.writeString(secrets.resolve("redis"), redis.uri() + "\n");
    Files.writeString(secrets.resolve("token"), TOKEN + "\n");
    // As in a pod: the runtime gets only the digest of the release token (the operator's way).
    Files.writeString(
        secrets.resolve("release-token.sha256"),
        io.globalfunc.runtime.http.BearerToken.sha256(RELEASE_TOKEN) + "\n");
    Map<String, String> env = new HashMap<>();
    env.put("GF_FUNCTIONS_DIR", lib.toString());
    env.put("GF_WORK_DIR", tmp.resolve("work").toString());
    env.put("GF_PYTHON_WORKERS", "1");
    env.put("GF_REDIS_URI_FILE", secrets.resolve("redis").toString());
    env.put("GF_GIT_TOKEN_FILE", secrets.resolve("token").toString());
    env.put("GF_RELEASE_TOKEN_SHA256_FILE", secrets.resolve("release-token.sha256").toString());
    env.put("DATABASE_URL", "postgres://app:" + DB_PASSWORD + "@db:5432/app");
    runtimes = new RuntimeProcesses();
    rt = runtimes.start(tmp, env);
  }

  @AfterAll
  static void stop() {
    runtimes.close();
    redis.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(rt.uri(path));
  }

  private static JsonNode problem(HttpResponse<String> r, int status, String type)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.path("type").asText()).isEqualTo("https://globalfunc.io/problems/" + type);
    assertThat(p.path("status").asInt()).isEqualTo(status);
    return p;
  }

  @Test
  void noSecretIsReadableFromAFunction() throws Exception {
    HttpResponse<String> r =
        send(to("/v1/functions/Sec/peek").POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode seen = JSON.readTree(r.body());
    // The parent's environment is readable (same user): the check below can fail.
    assertThat(seen.path("parent").asText()).contains("QUARKUS_HTTP_PORT");
    String redisAddress = URI.create(redis.uri()).getAuthority();
    for (String where : new String[] {"own", "parent", "init"}) {
      assertThat(seen.path(where).asText())
          .as(where)
          .doesNotContain(TOKEN)
          .doesNotContain(RELEASE_TOKEN)
          .doesNotContain(redisAddress);
    }
    assertThat(seen.path("own").asText()).doesNotContain(DB_PASSWORD).contains("PATH=");
    // ... and the runtime did read the secrets: batches are on.
    problem(send(to("/v1/batches/" + UUID.randomUUID())), 404, "unknown-batch");
  }

  @Test
  void theReleaseSwitchNeedsTheReleaseToken() throws Exception {
    HttpResponse<String> none =
        send(to("/v1/release").POST(HttpRequest.BodyPublishers.ofString("{\"ref\":\"master\"}")));
    problem(none, 401, "unauthorized");
    assertThat(none.headers().firstValue("www-authenticate").orElse("")).startsWith("Bearer");
    problem(
        send(
            to("/v1/release")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())),
        403,
        "forbidden");
    // The right token passes the check; this folder is outside Git, so no ref can be served.
    problem(releaseTo(RELEASE_TOKEN), 404, "unknown-ref");
  }

  /** POST /v1/release of master with {@code token} as its bearer token. */
  private static HttpResponse<String> releaseTo(String token) throws Exception {
    return send(
        to("/v1/release")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString("{\"ref\":\"master\"}")));
  }

  @Test
  void aNewReleaseTokenIsAcceptedOnceItsDigestFileChangesWithoutARestart() throws Exception {
    Path file = tmp.resolve("secrets").resolve("release-token.sha256");
    String original = Files.readString(file);
    String rotated = "rotated-" + UUID.randomUUID();
    try {
      // The operator's new Secret, as a kubelet writes it into the mounted volume.
      Path next = file.resolveSibling("next.sha256");
      Files.writeString(next, io.globalfunc.runtime.http.BearerToken.sha256(rotated) + "\n");
      Files.move(
          next,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      problem(releaseTo(RELEASE_TOKEN), 403, "forbidden");
      problem(releaseTo(rotated), 404, "unknown-ref");
    } finally {
      Files.writeString(file, original);
    }
  }

  @Test
  void unknownRoutesAndWrongMethodsAreProblems() throws Exception {
    problem(send(to("/no/such/route")), 404, "not-found");
    problem(send(to("/v1/functions/Util/echo/extra")), 404, "not-found");
    HttpResponse<String> r = send(to("/gfgo/").DELETE());
    problem(r, 405, "method-not-allowed");
    assertThat(r.headers().firstValue("allow").orElse("")).contains("POST");
    problem(
        send(to("/v1/functions").POST(HttpRequest.BodyPublishers.noBody())),
        405,
        "method-not-allowed");
  }

  @Test
  void jsonSentAsAFormIsReadAsJson() throws Exception {
    String big = "x".repeat(20_000);
    HttpResponse<String> r =
        send(
            to("/v1/functions/Util/echo")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("{\"s\":\"" + big + "\"}")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).path("s").asText()).isEqualTo(big);
  }

  @Test
  void batchIdsThatCannotExistAreNotFound() throws Exception {
    problem(send(to("/v1/batches/a.b")), 404, "unknown-batch");
    problem(send(to("/v1/batches/" + "x".repeat(200) + "/results")), 404, "unknown-batch");
    problem(send(to("/v1/batches/%E4%B8%AD")), 404, "unknown-batch");
  }

  @Test
  void manyInvalidMapItemsAreAnsweredInPlace() throws Exception {
    String body = "[" + "1,".repeat(19_999) + "1]";
    HttpResponse<String> r =
        send(to("/v1/map/Util/echo").POST(HttpRequest.BodyPublishers.ofString(body)));
    assertThat(r.statusCode())
        .as(r.body().substring(0, Math.min(500, r.body().length())))
        .isEqualTo(200);
    JsonNode out = JSON.readTree(r.body());
    assertThat(out).hasSize(20_000);
    assertThat(out.get(19_999).path("problem").path("type").asText()).endsWith("invalid-request");
  }

  @Test
  void keysThatCollideOnceStringifiedAreNotSerializable() throws Exception {
    problem(
        send(to("/v1/functions/Util/collide").POST(HttpRequest.BodyPublishers.noBody())),
        500,
        "result-not-serializable");
    HttpResponse<String> ok =
        send(to("/v1/functions/Util/keys").POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(ok.body()).isEqualTo("{\"1\":\"one\",\"2\":\"two\"}");
  }
}
