package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.http.CallMetrics;
import io.globalfunc.runtime.http.Problem;
import io.globalfunc.runtime.http.Requests;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many calls of one function: {@code POST /v1/map/{p}/{f}} runs a list of keyword-argument objects
 * across this runtime's Python workers and answers in input order; {@code /v1/batches} submits a
 * durable batch to the release's Redis stream, where every runtime takes part, and reads its
 * progress and results.
 */
@ApplicationScoped
public class BatchRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SUBMIT_CHUNK = 1000;

  private final ServedLibrary library;
  private final RuntimeConfig config;
  private final BatchConsumer consumer;
  private final Requests requests;
  private final CallMetrics metrics;

  BatchRoutes(
      ServedLibrary library,
      RuntimeConfig config,
      BatchConsumer consumer,
      Requests requests,
      CallMetrics metrics) {
    this.library = library;
    this.config = config;
    this.consumer = consumer;
    this.requests = requests;
    this.metrics = metrics;
  }

  void register(@Observes Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBody());
    router
        .post("/v1/map/:package/:function")
        .handler(body)
        .handler(this::map)
        .failureHandler(requests::failure);
    router
        .post("/v1/batches/:package/:function")
        .handler(body)
        .handler(this::submit)
        .failureHandler(requests::failure);
    router.get("/v1/batches/:id").handler(this::status);
    router.get("/v1/batches/:id/results").handler(this::results);
  }

  private record Items(ServedFunction fn, List<JsonNode> items) {}

  /** Validates the function and a JSON array body; answers the problem itself when invalid. */
  private Optional<Items> items(RoutingContext rc) {
    String name = rc.pathParam("package") + "." + rc.pathParam("function");
    ServedFunction fn = library.function(FunctionRef.parseOrNull(name));
    if (fn == null) {
      requests.problem(
          rc, Problem.UNKNOWN_FUNCTION, "no function " + name + " is served here", name);
      return Optional.empty();
    }
    JsonNode body = requests.parse(rc);
    if (body == null) {
      return Optional.empty();
    }
    if (!body.isArray()) {
      requests.problem(
          rc,
          Problem.INVALID_REQUEST,
          "the body must be a JSON array of keyword-argument objects",
          name);
      return Optional.empty();
    }
    List<JsonNode> items = new ArrayList<>(body.size());
    body.forEach(items::add);
    return Optional.of(new Items(fn, items));
  }

  /** Runs every item here, a bounded window at a time, and answers the envelopes in order. */
  private void map(RoutingContext rc) {
    Optional<Items> parsed = items(rc);
    if (parsed.isEmpty()) {
      return;
    }
    ServedFunction fn = parsed.get().fn();
    List<JsonNode> items = parsed.get().items();
    WorkerPool pool = library.pool();
    byte[][] envelopes = new byte[items.size()][];
    if (items.isEmpty()) {
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("[]");
      return;
    }
    int window = Math.max(1, pool.config().workers() * pool.config().pipelineDepth() * 2);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger remaining = new AtomicInteger(items.size());
    Context context = Vertx.currentContext();
    Runnable[] feed = new Runnable[1];
    feed[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= items.size()) {
            return;
          }
          JsonNode kwargs = items.get(i);
          if (!kwargs.isObject()) {
            envelopes[i] =
                ResultEnvelope.failure(
                    Problem.INVALID_REQUEST.body(
                        JSON,
                        "item " + i + " is not a JSON object of keyword arguments",
                        fn.ref().callName()));
            done(rc, context, envelopes, remaining, feed[0]);
            return;
          }
          long start = System.nanoTime();
          pool.submit(new CallRequest(fn.ref(), null, kwargs, null))
              .thenAccept(
                  outcome -> {
                    metrics.record(
                        fn.ref(), outcome, System.nanoTime() - start, CallMetrics.Mode.MAP);
                    envelopes[i] = envelope(outcome, fn);
                    done(rc, context, envelopes, remaining, feed[0]);
                  });
        };
    for (int k = 0; k < Math.min(window, items.size()); k++) {
      feed[0].run();
    }
  }

  private static byte[] envelope(CallOutcome outcome, ServedFunction fn) {
    if (outcome instanceof CallOutcome.Success s) {
      return ResultEnvelope.success(s.json());
    }
    return ResultEnvelope.failure(
        Problem.body(JSON, (CallOutcome.Failure) outcome, fn.ref().callName()));
  }

  private static void done(
      RoutingContext rc,
      Context context,
      byte[][] envelopes,
      AtomicInteger remaining,
      Runnable feed) {
    if (remaining.decrementAndGet() == 0) {
      Buffer out = Buffer.buffer();
      out.appendByte((byte) '[');
      for (int i = 0; i < envelopes.length; i++) {
        if (i > 0) {
          out.appendByte((byte) ',');
        }
        out.appendBytes(envelopes[i]);
      }
      out.appendByte((byte) ']');
      context.runOnContext(
          v -> rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(out));
    } else {
      feed.run();
    }
  }

  /** Queues a durable batch; 202 with its id. */
  private void submit(RoutingContext rc) {
    BatchStore store = consumer.store();
    if (store == null) {
      requests.problem(rc, Problem.UNAVAILABLE, "durable batches need GF_REDIS_URI", null);
      return;
    }
    Optional<Items> parsed = items(rc);
    if (parsed.isEmpty()) {
      return;
    }
    String function = parsed.get().fn().ref().callName();
    List<JsonNode> items = parsed.get().items();
    rc.vertx()
        .<String>executeBlocking(
            () -> {
              String id = store.create(function, items.size());
              for (int from = 0; from < items.size(); from += SUBMIT_CHUNK) {
                List<String> chunk = new ArrayList<>();
                for (JsonNode n :
                    items.subList(from, Math.min(items.size(), from + SUBMIT_CHUNK))) {
                  chunk.add(n.toString());
                }
                store.add(id, function, from, chunk);
              }
              return id;
            },
            false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                requests.problem(
                    rc,
                    Problem.UNAVAILABLE,
                    "cannot queue the batch: " + ar.cause().getMessage(),
                    function);
                return;
              }
              ObjectNode n = JSON.createObjectNode();
              n.put("id", ar.result());
              n.put("function", function);
              n.put("total", items.size());
              rc.response()
                  .setStatusCode(202)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                  .putHeader(HttpHeaders.LOCATION, "/v1/batches/" + ar.result())
                  .end(n.toString());
            });
  }

  private void status(RoutingContext rc) {
    BatchStore store = consumer.store();
    if (store == null) {
      requests.problem(rc, Problem.UNAVAILABLE, "durable batches need GF_REDIS_URI", null);
      return;
    }
    String id = rc.pathParam("id");
    rc.vertx()
        .executeBlocking(() -> store.status(id), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                requests.problem(rc, Problem.UNAVAILABLE, ar.cause().getMessage(), null);
              } else if (ar.result().isEmpty()) {
                requests.problem(rc, Problem.UNKNOWN_BATCH, "no batch " + id, null);
              } else {
                BatchStore.Status s = ar.result().get();
                ObjectNode n = JSON.createObjectNode();
                n.put("id", s.id());
                n.put("function", s.function());
                n.put("total", s.total());
                n.put("done", s.done());
                n.put("failed", s.failed());
                n.put("deadLettered", s.deadLettered());
                n.put("complete", s.complete());
                rc.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(n.toString());
              }
            });
  }

  /** Envelopes of items {@code from..from+limit-1} as a JSON array, {@code null} where not done. */
  private void results(RoutingContext rc) {
    BatchStore store = consumer.store();
    if (store == null) {
      requests.problem(rc, Problem.UNAVAILABLE, "durable batches need GF_REDIS_URI", null);
      return;
    }
    String id = rc.pathParam("id");
    int from;
    int limit;
    try {
      from =
          Integer.parseInt(
              rc.queryParams().get("from") == null ? "0" : rc.queryParams().get("from"));
      limit =
          Integer.parseInt(
              rc.queryParams().get("limit") == null ? "1000" : rc.queryParams().get("limit"));
    } catch (NumberFormatException e) {
      requests.problem(rc, Problem.INVALID_REQUEST, "from and limit must be whole numbers", null);
      return;
    }
    if (from < 0 || limit < 1 || limit > 10_000) {
      requests.problem(rc, Problem.INVALID_REQUEST, "from >= 0 and 1 <= limit <= 10000", null);
      return;
    }
    rc.vertx()
        .executeBlocking(() -> store.results(id, from, limit), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                requests.problem(rc, Problem.UNAVAILABLE, ar.cause().getMessage(), null);
                return;
              }
              StringBuilder out = new StringBuilder("[");
              List<String> rs = ar.result();
              for (int i = 0; i < rs.size(); i++) {
                out.append(i == 0 ? "" : ",").append(rs.get(i) == null ? "null" : rs.get(i));
              }
              out.append(']');
              rc.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                  .end(Buffer.buffer(out.toString().getBytes(StandardCharsets.UTF_8)));
            });
  }
}
