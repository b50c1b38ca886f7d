package io.globalfunc.runtime.http;

import io.globalfunc.core.error.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Makes every answer the router itself gives a problem: unknown routes (404), wrong methods (405,
 * with {@code Allow}) and any failure no route handled (500, logged here, never a stack trace in
 * the body).
 */
@ApplicationScoped
public class HttpProblems {

  private static final Logger LOG = Logger.getLogger(HttpProblems.class);
  private static final Pattern PATH_PARAM = Pattern.compile(":[A-Za-z0-9_]+");

  private final Requests requests;

  HttpProblems(Requests requests) {
    this.requests = requests;
  }

  void register(@Observes Router router) {
    router.errorHandler(404, rc -> notFound(rc));
    router.errorHandler(405, rc -> methodNotAllowed(router, rc));
    router.errorHandler(500, this::failed);
    router.route().failureHandler(this::failed);
  }

  private void notFound(RoutingContext rc) {
    requests.problem(rc, Problem.NOT_FOUND, "nothing is served at " + rc.normalizedPath(), null);
  }

  private void methodNotAllowed(Router router, RoutingContext rc) {
    Set<String> allowed = allowedMethods(router, rc.normalizedPath());
    if (!allowed.isEmpty()) {
      rc.response().putHeader(HttpHeaders.ALLOW, String.join(", ", allowed));
    }
    requests.problem(
        rc,
        Problem.METHOD_NOT_ALLOWED,
        rc.request().method() + " is not supported here; use " + String.join(" or ", allowed),
        null);
  }

  /** The methods of the routes whose path matches, as the {@code Allow} header lists them. */
  static Set<String> allowedMethods(Router router, String path) {
    Set<String> out = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String p = route.getPath();
      if (p == null || route.methods() == null || route.isRegexPath()) {
        continue;
      }
      String regex = PATH_PARAM.matcher(Pattern.quote(p)).replaceAll("\\\\E[^/]+\\\\Q");
      if (Pattern.matches(regex, path) || Pattern.matches(regex, path + "/")) {
        route.methods().stream().map(HttpMethod::name).forEach(out::add);
      }
    }
    return out;
  }

  private void failed(RoutingContext rc) {
    if (rc.statusCode() == 413) {
      requests.failure(rc);
      return;
    }
    if (rc.statusCode() == 404 || rc.statusCode() == 405) {
      rc.next();
      return;
    }
    if (rc.statusCode() == 400 && rc.failure() == null) {
      requests.problem(rc, Problem.INVALID_REQUEST, "the request cannot be read", null);
      return;
    }
    Throwable cause = rc.failure();
    LOG.warnf(
        cause,
        "%s %s failed: %s",
        rc.request().method(),
        rc.normalizedPath(),
        cause == null ? "status " + rc.statusCode() : cause.toString());
    requests.problem(rc, Problem.INTERNAL, "the runtime could not answer this request", null);
  }
}
