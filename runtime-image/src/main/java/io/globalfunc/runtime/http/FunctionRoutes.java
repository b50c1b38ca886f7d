package io.globalfunc.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.library.Calls;
import io.globalfunc.runtime.library.CommitPools;
import io.globalfunc.runtime.library.Lease;
import io.globalfunc.runtime.library.Provenance;
import io.globalfunc.runtime.library.ServedFunction;
import io.globalfunc.runtime.library.ServedLibrary;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP API: {@code POST /gfgo/} (seed-compatible), {@code POST /v1/functions/{p}/{f}} and the
 * catalog of what is served. Handlers run on the event loop and never block: a call is handed to
 * the {@link WorkerPool} and answered when its future completes.
 */
@ApplicationScoped
public class FunctionRoutes {

  private static final String JSON_TYPE = "application/json";

  private final ObjectMapper json = Requests.JSON;
  private final ServedLibrary library;
  private final RuntimeConfig config;
  private final CallMetrics metrics;
  private final Requests requests;
  private final Calls calls;

  FunctionRoutes(
      ServedLibrary library,
      RuntimeConfig config,
      CallMetrics metrics,
      Requests requests,
      Calls calls) {
    this.calls = calls;
    this.library = library;
    this.config = config;
    this.metrics = metrics;
    this.requests = requests;
  }

  void register(@Observes Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBody());
    router
        .post("/gfgo")
        .handler(Requests.JSON_BODY)
        .handler(body)
        .handler(this::gfgo)
        .failureHandler(requests::failure);
    router
        .post("/gfgo/")
        .handler(Requests.JSON_BODY)
        .handler(body)
        .handler(this::gfgo)
        .failureHandler(requests::failure);
    router
        .post("/v1/functions/:package/:function")
        .handler(Requests.JSON_BODY)
        .handler(body)
        .handler(this::invoke)
        .failureHandler(requests::failure);
    router.get("/v1/functions").handler(this::list);
    router.get("/v1/functions/:package/:function").handler(this::describe);
  }

  /**
   * {@code {"pack_func": "Base.f", "kwargs": {...}} or {"args": [...]}}; success is the bare
   * result.
   */
  private void gfgo(RoutingContext rc) {
    JsonNode body = requests.parse(rc);
    if (body == null) {
      return;
    }
    if (!body.isObject()) {
      requests.problem(
          rc, Problem.INVALID_REQUEST, "the body must be a JSON object with pack_func", null);
      return;
    }
    JsonNode packFunc = body.get("pack_func");
    if (packFunc == null || !packFunc.isTextual()) {
      requests.problem(
          rc, Problem.INVALID_REQUEST, "pack_func (\"Package.function\") is required", null);
      return;
    }
    JsonNode args = body.get("args");
    JsonNode kwargs = body.get("kwargs");
    if (args != null && !args.isArray() && !args.isNull()) {
      requests.problem(rc, Problem.INVALID_REQUEST, "args must be a JSON array", packFunc.asText());
      return;
    }
    if (kwargs != null && !kwargs.isObject() && !kwargs.isNull()) {
      requests.problem(
          rc, Problem.INVALID_REQUEST, "kwargs must be a JSON object", packFunc.asText());
      return;
    }
    FunctionName.RefCall named = FunctionName.RefCall.parseOrNull(packFunc.asText());
    if (named == null) {
      requests.problem(
          rc,
          Problem.INVALID_REQUEST,
          "pack_func names a version as Package@ref.function with a valid ref",
          packFunc.asText());
      return;
    }
    call(rc, named.packFunc(), named.ref(), args, kwargs);
  }

  /** The body is the kwargs object (empty body: no arguments). */
  private void invoke(RoutingContext rc) {
    String name = rc.pathParam("package") + "." + rc.pathParam("function");
    JsonNode kwargs = null;
    if (rc.body().length() > 0) {
      kwargs = requests.parse(rc);
      if (kwargs == null) {
        return;
      }
      if (!kwargs.isObject()) {
        requests.problem(
            rc,
            Problem.INVALID_REQUEST,
            "the body must be a JSON object of keyword arguments",
            name);
        return;
      }
    }
    String ref = ref(rc, name);
    if (ref == null && rc.response().ended()) {
      return;
    }
    call(rc, name, ref, null, kwargs);
  }

  private void call(RoutingContext rc, String name, String ref, JsonNode args, JsonNode kwargs) {
    FunctionRef fref = FunctionRef.parseOrNull(name);
    withLease(rc, ref, name, lease -> run(rc, lease, name, fref, args, kwargs));
  }

  /**
   * Runs {@code action} on the request's event loop with a lease on the commit {@code ref} names
   * (null: the release's); answers the ref's problem instead when it cannot be served.
   */
  private void withLease(
      RoutingContext rc, String ref, String name, java.util.function.Consumer<Lease> action) {
    CommitPools commits = library.commits();
    if (commits == null) {
      unknown(rc, name);
      return;
    }
    if (ref == null) {
      action.accept(commits.leaseCurrent());
      return;
    }
    Context context = Vertx.currentContext();
    commits
        .lease(ref)
        .whenComplete(
            (lease, error) ->
                onContext(
                    context,
                    () -> {
                      if (error == null) {
                        action.accept(lease);
                      } else {
                        requests.refFailure(rc, error, name);
                      }
                    }));
  }

  private void run(
      RoutingContext rc,
      Lease lease,
      String name,
      FunctionRef fref,
      JsonNode args,
      JsonNode kwargs) {
    ServedFunction fn = lease.library().function(fref);
    if (fn == null) {
      lease.close();
      unknown(rc, name);
      return;
    }
    long start = System.nanoTime();
    Context context = Vertx.currentContext();
    CompletableFuture<Calls.Answer> call =
        calls.run(lease, fn, new CallRequest(fref, args, kwargs, null));
    dropWhenAbandoned(rc, call);
    call.whenComplete(
        (answer, error) -> {
          if (answer != null) {
            long nanos = System.nanoTime() - start;
            onContext(context, () -> answer(rc, fn, answer)); // the answer first, the books after
            metrics.record(fn.ref(), answer.outcome(), nanos, CallMetrics.Mode.CALL);
          } else if (!call.isCancelled()) {
            onContext(
                context,
                () -> requests.problem(rc, Problem.INTERNAL, "the call failed: " + error, name));
          }
        });
  }

  /**
   * A call whose client went away is cancelled (the pool drops it if it has not started), and so is
   * one not finished by its deadline, which then waited too long for a worker: 429.
   */
  private void dropWhenAbandoned(RoutingContext rc, CompletableFuture<?> call) {
    long timer =
        rc.vertx()
            .setTimer(
                config.callDeadline().toMillis(),
                id -> {
                  if (call.cancel(false)) {
                    requests.problem(
                        rc,
                        Problem.OVERLOADED,
                        "the call waited more than "
                            + config.queueTimeout().orElse(config.timeout()).toSeconds()
                            + " s for a Python worker",
                        null);
                  }
                });
    call.whenComplete((outcome, error) -> rc.vertx().cancelTimer(timer));
    rc.response().closeHandler(v -> call.cancel(false));
  }

  private void unknown(RoutingContext rc, String name) {
    metrics.unknown();
    requests.problem(rc, Problem.UNKNOWN_FUNCTION, "no function " + name + " is served here", name);
  }

  /** Runs on the request's event loop: inline when already there, else hopping onto it. */
  private static void onContext(Context context, Runnable action) {
    if (context == null || Context.isOnEventLoopThread() && Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private void answer(RoutingContext rc, ServedFunction fn, Calls.Answer answer) {
    if (rc.response().ended() || rc.response().closed()) {
      return;
    }
    provenance(rc, answer.provenance());
    if (answer.outcome() instanceof CallOutcome.Success s) {
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(Buffer.buffer(s.json()));
    } else {
      CallOutcome.Failure f = (CallOutcome.Failure) answer.outcome();
      requests.send(rc, Problem.of(f.kind()), Problem.body(json, f, fn.ref().callName()));
    }
  }

  /** The provenance headers of an answer. */
  static void provenance(RoutingContext rc, Provenance p) {
    var h = rc.response().headers();
    h.set(Provenance.FUNCTION, p.function());
    if (p.commit() != null) {
      h.set(Provenance.COMMIT, p.commit());
    }
    h.set(Provenance.HASH, p.hash());
    h.set(Provenance.WORKER, p.worker());
    if (p.cache() != null) {
      h.set(Provenance.CACHE, p.cache());
    }
  }

  /** {@code GET /v1/functions[?ref=]}: the functions of the release's commit, or of a ref's. */
  private void list(RoutingContext rc) {
    String ref = ref(rc, null);
    if (ref == null && rc.response().ended()) {
      return;
    }
    if (library.commits() == null) {
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end("[]"); // nothing loaded
      return;
    }
    withLease(
        rc,
        ref,
        null,
        lease -> {
          try (lease) {
            ArrayNode out = json.createArrayNode();
            for (ServedFunction fn : lease.library().functions().values()) {
              out.add(describe(fn));
            }
            rc.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(out.toString());
          }
        });
  }

  /** {@code GET /v1/functions/{package}/{function}[?ref=]}. */
  private void describe(RoutingContext rc) {
    String name = rc.pathParam("package") + "." + rc.pathParam("function");
    String ref = ref(rc, name);
    if (ref == null && rc.response().ended()) {
      return;
    }
    withLease(
        rc,
        ref,
        name,
        lease -> {
          try (lease) {
            ServedFunction fn = lease.library().function(FunctionRef.parseOrNull(name));
            if (fn == null) {
              requests.problem(
                  rc, Problem.UNKNOWN_FUNCTION, "no function " + name + " is served here", name);
              return;
            }
            rc.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE)
                .end(describe(fn).toString());
          }
        });
  }

  /** The {@code ref} query parameter; answers 400 (and returns null) when it is no ref name. */
  private String ref(RoutingContext rc, String name) {
    String ref = rc.queryParams().get("ref");
    if (ref != null && !FunctionName.isRefName(ref)) {
      requests.problem(rc, Problem.INVALID_REQUEST, "ref is not a valid ref name: " + ref, name);
      return null;
    }
    return ref;
  }

  private ObjectNode describe(ServedFunction fn) {
    ObjectNode n = json.createObjectNode();
    n.put("name", fn.ref().callName());
    n.put("fullName", fn.name().fullName());
    n.put("package", fn.ref().pkg());
    n.put("function", fn.ref().function());
    n.put("branch", fn.name().branch());
    n.put("path", fn.path());
    n.put("hash", fn.meta().hash());
    n.put("modifiedTime", fn.meta().modifiedTime());
    n.put("lineCount", fn.meta().lineCount());
    n.put("commit", fn.commit());
    FunctionInfo info = fn.info();
    n.put("kind", info.kind());
    n.put("doc", info.doc());
    if (info.signature() != null) {
      ObjectNode sig = n.putObject("signature");
      ArrayNode params = sig.putArray("parameters");
      for (FunctionInfo.Parameter p : info.signature().parameters()) {
        ObjectNode pn = params.addObject();
        pn.put("name", p.name());
        pn.put("kind", p.kind());
        pn.put("default", p.defaultValue());
        pn.put("annotation", p.annotation());
        pn.put("required", p.defaultValue() == null && !p.kind().startsWith("VAR_"));
      }
      sig.put("returns", info.signature().returns());
    }
    n.set("schema", info.schema());
    return n;
  }
}
