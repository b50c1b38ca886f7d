package io.globalfunc.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.library.CommitPools;
import io.globalfunc.runtime.library.ServedLibrary;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;

/**
 * The versions this runtime serves: {@code GET /v1/commits} (every warm commit and the worker
 * budget) and {@code POST /v1/release} (switch the release's commit in place, without a restart).
 */
@ApplicationScoped
public class VersionRoutes {

  private static final String JSON_TYPE = "application/json";

  private final ObjectMapper json = Requests.JSON;
  private final ServedLibrary library;
  private final Requests requests;
  private final ReleaseTokenDigest releaseTokenSha256;

  VersionRoutes(ServedLibrary library, Requests requests, RuntimeConfig config) {
    this.library = library;
    this.requests = requests;
    String file = System.getenv("GF_RELEASE_TOKEN_SHA256_FILE");
    this.releaseTokenSha256 =
        new ReleaseTokenDigest(
            file == null || file.isBlank() ? null : Path.of(file),
            config
                .releaseTokenSha256()
                .filter(t -> !t.isBlank())
                .or(() -> config.releaseToken().filter(t -> !t.isBlank()).map(BearerToken::sha256))
                .orElse(null));
  }

  void register(@Observes Router router) {
    router.get("/v1/commits").handler(this::commits);
    router
        .post("/v1/release")
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(this::release)
        .failureHandler(requests::failure);
  }

  /**
   * Whether the request carries the release token (whose digest GF_RELEASE_TOKEN_SHA256_FILE holds,
   * or GF_RELEASE_TOKEN locally), when one is set: 401 with a {@code WWW-Authenticate} challenge
   * without a token, 403 with another one.
   */
  private boolean authorized(RoutingContext rc) {
    var refusal =
        BearerToken.refusal(
            rc.request().getHeader(HttpHeaders.AUTHORIZATION), releaseTokenSha256.current());
    if (refusal.isEmpty()) {
      return true;
    }
    if (refusal.get() == Problem.UNAUTHORIZED) {
      rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"globalfunc-release\"");
    }
    requests.problem(
        rc,
        refusal.get(),
        "POST /v1/release needs the worker's release token (Authorization: Bearer ...)",
        null);
    return false;
  }

  private void commits(RoutingContext rc) {
    CommitPools commits = library.commits();
    if (commits == null) {
      requests.problem(rc, Problem.UNAVAILABLE, "the library is not loaded", null);
      return;
    }
    ObjectNode n = json.createObjectNode();
    n.put("branch", library.branch());
    n.put("refs", commits.policy().toString());
    n.put("maxCommits", commits.budget().maxCommits());
    n.put("workerBudget", commits.budget().budget());
    n.put("liveWorkers", commits.liveWorkers());
    var list = n.putArray("commits");
    for (CommitPools.CommitState s : commits.states()) {
      ObjectNode c = list.addObject();
      c.put("commit", s.commit());
      c.put("role", s.role());
      c.put("workers", s.workers());
      c.put("inflight", s.inflight());
      c.put("idleMillis", s.idleMillis());
    }
    rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(n.toString());
  }

  /**
   * {@code {"ref": "master"}} (a branch, tag or commit the release allows; default: the release's
   * branch, fetched afresh): 200 with the commit now served once its workers are up.
   */
  private void release(RoutingContext rc) {
    if (!authorized(rc)) {
      return;
    }
    CommitPools commits = library.commits();
    if (commits == null) {
      requests.problem(rc, Problem.UNAVAILABLE, "the library is not loaded", null);
      return;
    }
    String ref = library.branch();
    if (rc.body().length() > 0) {
      JsonNode body = requests.parse(rc);
      if (body == null) {
        return;
      }
      JsonNode r = body.path("ref");
      if (!body.isObject() || !(r.isMissingNode() || r.isTextual())) {
        requests.problem(rc, Problem.INVALID_REQUEST, "the body is {\"ref\": \"...\"}", null);
        return;
      }
      ref = r.isTextual() ? r.asText() : ref;
    }
    if (!FunctionName.isRefName(ref)) {
      requests.problem(rc, Problem.INVALID_REQUEST, "not a valid ref name: " + ref, null);
      return;
    }
    Context context = Vertx.currentContext();
    commits
        .switchTo(ref)
        .whenComplete(
            (lib, error) ->
                context.runOnContext(
                    v -> {
                      if (error == null) {
                        ObjectNode n = json.createObjectNode();
                        n.put("branch", library.branch());
                        n.put("commit", lib.commit());
                        rc.response()
                            .putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE)
                            .end(n.toString());
                      } else {
                        requests.refFailure(rc, error, null);
                      }
                    }));
  }
}
