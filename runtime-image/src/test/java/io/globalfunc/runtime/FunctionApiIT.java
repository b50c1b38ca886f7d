package io.globalfunc.runtime;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@QuarkusTestResource(value = MisbehavingLibrary.class, restrictToAnnotatedClass = true)
class FunctionApiIT {

  private static final String PROBLEM = "application/problem+json";
  private static final String TYPES = "https://globalfunc.io/problems/";

  @TestHTTPResource("/")
  URI base;

  private static Response gfgo(String body) {
    return given().contentType("application/json").body(body).post("/gfgo/");
  }

  private static String seedCall() {
    return "{\"pack_func\":\"Base.inverse_time_str\",\"kwargs\":{\"time_str\":\"2024-02-15 11:11:11\",\"bias_hours\":-8}}";
  }

  @Test
  void seedExampleReturnsTheBareResult() {
    gfgo(seedCall())
        .then()
        .statusCode(200)
        .contentType("application/json")
        .body(equalTo("1707966671"));
  }

  @Test
  void positionalArgsAndTheRestStyleEndpoint() {
    gfgo("{\"pack_func\":\"Base.add\",\"args\":[40]}").then().statusCode(200).body(equalTo("42"));
    given()
        .contentType("application/json")
        .body("{\"a\":1,\"b\":2}")
        .post("/v1/functions/Base/add")
        .then()
        .statusCode(200)
        .body(equalTo("3"));
    given().post("/v1/functions/Bad/returns_set").then().statusCode(500);
  }

  @Test
  void catalogListsOnlyCallables() {
    given()
        .get("/v1/functions")
        .then()
        .statusCode(200)
        .body("name", hasItem("Base.inverse_time_str"))
        .body("name", hasItem("中文包.时间戳"))
        .body("name", not(hasItem("Base.mismatch")))
        .body("name", not(hasItem("Base._helpers")))
        .body("name", not(hasItem("_private.hidden")));
    given()
        .get("/v1/functions/Base/inverse_time_str")
        .then()
        .statusCode(200)
        .body("fullName", equalTo("sp_GlobalFunc.Base_release~2F1~2E2.inverse_time_str"))
        .body("commit", equalTo(MisbehavingLibrary.COMMIT))
        .body("signature.parameters.name", equalTo(List.of("time_str", "bias_hours")))
        .body("signature.parameters.default", equalTo(List.of("None", "0")))
        .body("doc", containsString("时间字符串转时间戳"))
        .body("schema.input.type", equalTo("object"))
        .body("schema.input.properties.bias_hours.default", equalTo(0))
        .body("schema.input.additionalProperties", equalTo(false))
        .body("hash", notNullValue());
    given().get("/v1/functions/Base/nope").then().statusCode(404).contentType(PROBLEM);
  }

  @Test
  void malformedJsonIs400() {
    gfgo("{\"pack_func\": ")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(TYPES + "bad-json"));
    gfgo("").then().statusCode(400).body("type", equalTo(TYPES + "bad-json"));
    gfgo("{\"pack_func\":\"Base.add\",\"args\":[NaN]}").then().statusCode(400);
    gfgo("[1,2]").then().statusCode(400).body("type", equalTo(TYPES + "invalid-request"));
    gfgo("{\"kwargs\":{}}").then().statusCode(400).body("type", equalTo(TYPES + "invalid-request"));
    gfgo("{\"pack_func\":\"Base.add\",\"kwargs\":[1]}")
        .then()
        .statusCode(400)
        .body("detail", containsString("kwargs"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Base.nope",
        "Base.os",
        "Base.__init__",
        "Base._helpers",
        "_private.hidden",
        "Base.mismatch",
        "Base.inverse_time_str.__globals__",
        "os.system",
        "Base",
        "",
        "Base.notes",
        "Bad.syntax_error"
      })
  void unknownOrForbiddenNamesAre404(String name) {
    gfgo("{\"pack_func\":\"" + name + "\",\"kwargs\":{}}")
        .then()
        .statusCode(404)
        .contentType(PROBLEM)
        .body("type", equalTo(TYPES + "unknown-function"));
  }

  @Test
  void wrongArgumentsAre422WithPythonsMessage() {
    gfgo("{\"pack_func\":\"Base.add\",\"kwargs\":{\"a\":1,\"nope\":2}}")
        .then()
        .statusCode(422)
        .body("type", equalTo(TYPES + "bad-arguments"))
        .body("detail", containsString("nope"));
    gfgo("{\"pack_func\":\"Base.add\",\"kwargs\":{}}")
        .then()
        .statusCode(422)
        .body("detail", containsString("'a'"));
  }

  @Test
  void raisingFunctionIs500WithTypeMessageAndTraceback() {
    gfgo("{\"pack_func\":\"Bad.raises\",\"kwargs\":{\"message\":\"kaputt\"}}")
        .then()
        .statusCode(500)
        .body("type", equalTo(TYPES + "function-raised"))
        .body("exception.type", equalTo("ValueError"))
        .body("exception.message", equalTo("kaputt"))
        .body("exception.traceback", containsString("raise ValueError(message)"));
    // A TypeError raised inside the function is the function's failure, not bad arguments.
    gfgo("{\"pack_func\":\"Base.add\",\"kwargs\":{\"a\":\"x\",\"b\":1}}")
        .then()
        .statusCode(500)
        .body("exception.type", equalTo("TypeError"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bad.returns_set", "Bad.returns_nan", "Bad.returns_inf"})
  void unserialisableResultIs500(String name) {
    gfgo("{\"pack_func\":\"" + name + "\"}")
        .then()
        .statusCode(500)
        .body("type", equalTo(TYPES + "result-not-serializable"));
  }

  @Test
  void hangingFunctionTimesOutAndTheRuntimeKeepsServing() {
    gfgo("{\"pack_func\":\"Bad.sleepy\",\"kwargs\":{\"seconds\":60}}")
        .then()
        .statusCode(504)
        .body("type", equalTo(TYPES + "timeout"));
    gfgo(seedCall()).then().statusCode(200).body(equalTo("1707966671"));
  }

  @Test
  void crashingFunctionIs502AndTheRuntimeKeepsServing() {
    gfgo("{\"pack_func\":\"Bad.exits\",\"kwargs\":{\"code\":7}}")
        .then()
        .statusCode(502)
        .body("type", equalTo(TYPES + "worker-crashed"))
        .body("detail", containsString("exited with code 7"));
    gfgo(seedCall()).then().statusCode(200).body(equalTo("1707966671"));
  }

  @Test
  void printingThousandsOfLinesDoesNotDisturbTheAnswer() {
    gfgo("{\"pack_func\":\"Bad.chatty\",\"kwargs\":{\"lines\":5000}}")
        .then()
        .statusCode(200)
        .body(equalTo("5000"));
    gfgo("{\"pack_func\":\"Bad.writes_stdout_fd\"}").then().statusCode(200).body(equalTo("\"ok\""));
  }

  @Test
  void fiveMebibyteResult() {
    String body =
        gfgo("{\"pack_func\":\"Bad.big_result\",\"kwargs\":{\"mib\":5}}")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(body).hasSize(5 * 1024 * 1024 + 2).startsWith("\"xxx");
  }

  @Test
  void chineseFunctionName() {
    gfgo("{\"pack_func\":\"中文包.时间戳\",\"kwargs\":{\"文本\":\"你好\"}}")
        .then()
        .statusCode(200)
        .body(equalTo("2"));
    given()
        .urlEncodingEnabled(false)
        .contentType("application/json")
        .body("{}")
        .post(
            "/v1/functions/"
                + URLEncoder.encode("中文包", StandardCharsets.UTF_8)
                + "/"
                + URLEncoder.encode("时间戳", StandardCharsets.UTF_8))
        .then()
        .statusCode(200)
        .body(equalTo("19"));
  }

  @Test
  void oversizePayloadIs413() {
    String big =
        "{\"pack_func\":\"Bad.echo\",\"kwargs\":{\"value\":\""
            + "z".repeat(17 * 1024 * 1024)
            + "\"}}";
    gfgo(big).then().statusCode(413).body("type", equalTo(TYPES + "payload-too-large"));
    gfgo(seedCall()).then().statusCode(200);
  }

  @Test
  void fiveHundredConcurrentCalls() throws Exception {
    List<HttpResponse<String>> answers =
        concurrently(500, i -> "{\"pack_func\":\"Base.add\",\"args\":[" + i + "]}");
    for (int i = 0; i < answers.size(); i++) {
      assertThat(answers.get(i).statusCode()).isEqualTo(200);
      assertThat(answers.get(i).body()).isEqualTo(Integer.toString(i + 2));
    }
  }

  @Test
  void crashAmidFortyGoodCallsFailsOnlyItself() throws Exception {
    List<HttpResponse<String>> answers =
        concurrently(
            41,
            i ->
                i == 20
                    ? "{\"pack_func\":\"Bad.exits\",\"kwargs\":{\"code\":9}}"
                    : "{\"pack_func\":\"Base.add\",\"args\":[" + i + "]}");
    for (int i = 0; i < answers.size(); i++) {
      if (i == 20) {
        assertThat(answers.get(i).statusCode()).isEqualTo(502);
      } else {
        assertThat(answers.get(i).statusCode()).as("call %d", i).isEqualTo(200);
        assertThat(answers.get(i).body()).isEqualTo(Integer.toString(i + 2));
      }
    }
  }

  @Test
  void mapRunsEveryItemInOrderWithProblemsInPlace() {
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < 300; i++) {
      body.append(i == 0 ? "" : ",")
          .append(i == 150 ? "{\"a\":\"x\"}" : i == 151 ? "[1]" : "{\"a\":" + i + "}");
    }
    body.append("]");
    Response r =
        given().contentType("application/json").body(body.toString()).post("/v1/map/Base/add");
    r.then().statusCode(200);
    List<Map<String, Object>> out = r.jsonPath().getList("$");
    assertThat(out).hasSize(300);
    for (int i = 0; i < 300; i++) {
      if (i == 150) {
        assertThat(out.get(i)).containsEntry("ok", false);
        assertThat(r.jsonPath().getString("[150].problem.type"))
            .isEqualTo(TYPES + "function-raised");
      } else if (i == 151) {
        assertThat(r.jsonPath().getString("[151].problem.type"))
            .isEqualTo(TYPES + "invalid-request");
      } else {
        assertThat(out.get(i)).containsEntry("ok", true).containsEntry("result", i + 2);
      }
    }
    given()
        .contentType("application/json")
        .body("{}")
        .post("/v1/map/Base/add")
        .then()
        .statusCode(400);
    given()
        .contentType("application/json")
        .body("[]")
        .post("/v1/map/Base/nope")
        .then()
        .statusCode(404);
    given()
        .contentType("application/json")
        .body("[{}]")
        .post("/v1/batches/Base/add")
        .then()
        .statusCode(503);
  }

  @Test
  void healthMetricsAndOpenApi() {
    given().get("/q/health/live").then().statusCode(200);
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'function-library' }.data.functions", notNullValue());
    gfgo(seedCall()).then().statusCode(200);
    given()
        .contentType("application/json")
        .body("[{\"a\":1},{\"a\":3}]")
        .post("/v1/map/Base/add")
        .then()
        .statusCode(200);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            containsString(
                "gf_calls_seconds_count{function=\"Base.inverse_time_str\",mode=\"call\","
                    + "outcome=\"ok\"}"))
        .body(containsString("gf_calls_seconds_count{function=\"Base.add\",mode=\"map\""))
        .body(containsString("gf_pool_workers"));
    given().get("/q/openapi").then().statusCode(200).body(containsString("/gfgo/"));
  }

  private List<HttpResponse<String>> concurrently(
      int n, java.util.function.IntFunction<String> body) throws Exception {
    var executor = Executors.newFixedThreadPool(8);
    try {
      HttpClient client =
          HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(10)).build();
      List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        HttpRequest req =
            HttpRequest.newBuilder(base.resolve("/gfgo/"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.apply(i)))
                .build();
        futures.add(client.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
      }
      List<HttpResponse<String>> out = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      executor.shutdownNow();
    }
  }
}
