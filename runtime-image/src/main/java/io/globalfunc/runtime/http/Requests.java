package io.globalfunc.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.error.Problem;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.library.RefException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.concurrent.CompletionException;

/** Reading request bodies and answering problems, shared by every route. */
@ApplicationScoped
public class Requests {

  /** Numbers pass through exactly (big decimals kept), trailing garbage is an error. */
  public static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private final ObjectMapper json = JSON;
  private final RuntimeConfig config;

  Requests(RuntimeConfig config) {
    this.config = config;
  }

  /**
   * Runs before the body handler: every body is JSON here, whatever its content type says, so a
   * form content type (what {@code curl -d} sends) must not make the body handler decode a form.
   */
  public static final PlatformHandler JSON_BODY =
      rc -> {
        String type = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && (type.contains("form-urlencoded") || type.contains("multipart/"))) {
          rc.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        rc.next();
      };

  /** The body as JSON, or null after answering 400. */
  public JsonNode parse(RoutingContext rc) {
    Buffer b = rc.body().buffer();
    if (b == null || b.length() == 0) {
      problem(rc, Problem.BAD_JSON, "the request body is empty", null);
      return null;
    }
    try {
      return json.readTree(b.getBytes());
    } catch (JsonProcessingException e) {
      problem(rc, Problem.BAD_JSON, e.getOriginalMessage(), null);
      return null;
    } catch (IOException e) {
      problem(rc, Problem.BAD_JSON, e.getMessage(), null);
      return null;
    }
  }

  /** Turns the body handler's 413 into a problem. */
  public void failure(RoutingContext rc) {
    if (rc.statusCode() == 413) {
      problem(
          rc,
          Problem.PAYLOAD_TOO_LARGE,
          "the body is larger than " + config.maxBody() + " bytes",
          null);
    } else {
      rc.next();
    }
  }

  /** Answers a problem. */
  public void problem(RoutingContext rc, Problem p, String detail, String function) {
    send(rc, p, p.body(json, detail, function));
  }

  /**
   * Answers a failed lease of, or switch to, a commit: the ref's own problem ({@code unknown-ref},
   * {@code ref-not-allowed}), else {@code unavailable}.
   */
  public void refFailure(RoutingContext rc, Throwable error, String function) {
    Throwable t =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (t instanceof RefException re) {
      problem(rc, re.problem(), re.getMessage(), function);
    } else {
      problem(rc, Problem.UNAVAILABLE, t.getMessage(), function);
    }
  }

  /** Answers a problem with a prepared body. */
  public void send(RoutingContext rc, Problem p, ObjectNode body) {
    HttpServerResponse r = rc.response();
    if (r.ended() || r.closed()) {
      return;
    }
    r.setStatusCode(p.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE);
    Integer retry = p.retryAfterSeconds();
    if (retry != null) {
      r.putHeader(HttpHeaders.RETRY_AFTER, retry.toString());
    }
    r.end(body.toString());
  }
}
