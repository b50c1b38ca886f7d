package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.batch.BatchStatus;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.batch.ChunkPlan;
import io.globalfunc.core.batch.JsonArrayItems;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.http.CallMetrics;
import io.globalfunc.runtime.http.Requests;
import io.globalfunc.runtime.library.Calls;
import io.globalfunc.runtime.library.CommitLibrary;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Many calls of one function: {@code POST /v1/map/{p}/{f}} runs a list of keyword-argument objects
 * across this runtime's Python workers and answers in input order; {@code /v1/batches} submits a
 * durable batch to the release's Redis stream, where every runtime takes part, and reads its
 * progress and results.
 */
@ApplicationScoped
public class BatchRoutes {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * {@code GF-Priority: background} on {@code /v1/map}: run the items as batch work (the batch
   * share of workers, behind interactive calls), what a pod's batch agent asks for its tasks.
   */
  public static final String PRIORITY_HEADER = "GF-Priority";

  public static final String BACKGROUND = "background";

  private final ServedLibrary library;
  private final RuntimeConfig config;
  private final BatchConsumer consumer;
  private final Requests requests;
  private final Map<WorkerPool, FrameFeeder> mapFeeders = new java.util.IdentityHashMap<>();
  private final Map<WorkerPool, FrameFeeder> backgroundFeeders = new java.util.IdentityHashMap<>();
  private final Calls calls;
  private final CallMetrics metrics;

  BatchRoutes(
      ServedLibrary library,
      RuntimeConfig config,
      BatchConsumer consumer,
      Requests requests,
      Calls calls,
      CallMetrics metrics) {
    this.calls = calls;
    this.library = library;
    this.config = config;
    this.consumer = consumer;
    this.requests = requests;
    this.metrics = metrics;
  }

  void register(@Observes Router router) {
    if (config.batchAgent()) {
      // A batch agent holds the Redis URI and shares its pod's loopback with user code: it serves
      // no batch route, so that code cannot read or queue batches through it.
      return;
    }
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBody());
    router
        .post("/v1/map/:package/:function")
        .handler(Requests.JSON_BODY)
        .handler(body)
        .handler(this::map)
        .failureHandler(requests::failure);
    router
        .post("/v1/batches/:package/:function")
        .handler(Requests.JSON_BODY)
        .handler(body)
        .handler(this::submit)
        .failureHandler(requests::failure);
    router.get("/v1/batches/:id").handler(this::status);
    router.get("/v1/batches/:id/results").handler(this::results);
  }

  /** A request's function and its items, once both are valid. */
  private record Items(ServedFunction fn, List<JsonNode> items) {}

  /** Validates the function and a JSON array body; answers the problem itself when invalid. */
  private Optional<Items> items(RoutingContext rc) {
    return items(rc, library.commits() == null ? null : library.commits().current());
  }

  private Optional<Items> items(RoutingContext rc, CommitLibrary at) {
    String name = rc.pathParam("package") + "." + rc.pathParam("function");
    ServedFunction fn = at == null ? null : at.function(FunctionRef.parseOrNull(name));
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

  /**
   * Runs every item here, on the commit {@code ?ref=} names (default: the release's), and answers
   * the envelopes in order, each with its provenance.
   */
  private void map(RoutingContext rc) {
    String ref = rc.queryParams().get("ref");
    if (ref != null && !FunctionName.isRefName(ref)) {
      requests.problem(rc, Problem.INVALID_REQUEST, "ref is not a valid ref name: " + ref, null);
      return;
    }
    withLease(rc, ref, lease -> map(rc, lease));
  }

  /**
   * Runs {@code action} on the request's event loop with a lease on the commit {@code ref} names
   * (null: the release's); answers the problem instead when the library is not loaded or the ref
   * cannot be served.
   */
  private void withLease(RoutingContext rc, String ref, Consumer<Lease> action) {
    if (library.commits() == null) {
      requests.problem(rc, Problem.UNAVAILABLE, "the library is not loaded", null);
      return;
    }
    Context context = Vertx.currentContext();
    library
        .commits()
        .lease(ref)
        .whenComplete(
            (lease, error) ->
                context.runOnContext(
                    v -> {
                      if (error == null) {
                        action.accept(lease);
                      } else {
                        requests.refFailure(rc, error, null);
                      }
                    }));
  }

  private void map(RoutingContext rc, Lease lease) {
    Optional<Items> parsed = items(rc, lease.library());
    if (parsed.isEmpty()) {
      lease.close();
      return;
    }
    ServedFunction fn = parsed.get().fn();
    Context context = Vertx.currentContext();
    boolean background = BACKGROUND.equals(rc.request().getHeader(PRIORITY_HEADER));
    MapRun run =
        new MapRun(
            mapFeeder(lease.library().pool(), background),
            background ? CallMetrics.Mode.BATCH : CallMetrics.Mode.MAP,
            metrics,
            lease,
            Provenance.of(lease, fn, calls.worker(), null).envelopeFields(),
            fn,
            parsed.get().items(),
            out ->
                context.runOnContext(
                    v ->
                        rc.response()
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .end(out)));
    rc.response().closeHandler(v -> run.cancel());
    run.start();
  }

  /**
   * One feeder per commit's pool for every map request, with a frame slot per Python worker (or,
   * for background work, the batch share, as the runtime's own batch consumer); a release switch or
   * a reload (GF_RELOAD) makes a new pool, so a new feeder.
   */
  private synchronized FrameFeeder mapFeeder(WorkerPool pool, boolean background) {
    Map<WorkerPool, FrameFeeder> feeders = background ? backgroundFeeders : mapFeeders;
    feeders.keySet().removeIf(p -> !p.isReady() && p != pool);
    return feeders.computeIfAbsent(
        pool,
        p ->
            background
                ? PoolExecutor.background(p)
                : new FrameFeeder(p, new ChunkSizer(), p.config().workers(), false));
  }

  /**
   * Queues a durable batch, on the commit {@code ?ref=} names (checked now, resolved again by each
   * runtime that takes a task: the tasks name {@code Package@ref.function}); 202 with its id.
   */
  private void submit(RoutingContext rc) {
    BatchStore store = consumer.store();
    if (store == null) {
      requests.problem(rc, Problem.UNAVAILABLE, "durable batches need GF_REDIS_URI", null);
      return;
    }
    String ref = rc.queryParams().get("ref");
    if (ref == null) {
      items(rc).ifPresent(parsed -> submit(rc, store, parsed, null));
      return;
    }
    if (!FunctionName.isRefName(ref)) {
      requests.problem(rc, Problem.INVALID_REQUEST, "ref is not a valid ref name: " + ref, null);
      return;
    }
    withLease(
        rc,
        ref,
        lease -> {
          try (lease) {
            items(rc, lease.library()).ifPresent(parsed -> submit(rc, store, parsed, ref));
          }
        });
  }

  private void submit(RoutingContext rc, BatchStore store, Items parsed, String ref) {
    String function = new FunctionName.RefCall(parsed.fn().ref().callName(), ref).spelled();
    List<byte[]> items;
    try {
      items = JsonArrayItems.split(rc.body().buffer().getBytes());
    } catch (IOException e) {
      requests.problem(rc, Problem.BAD_JSON, e.getMessage(), function);
      return;
    }
    rc.vertx()
        .<String>executeBlocking(
            () -> {
              String id = store.create(function, items.size());
              store.add(id, function, 0, items, ChunkPlan.entrySize(items.size()));
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

  /** False after answering 404 when the id cannot name a batch (ids are generated by submit). */
  private boolean possibleId(RoutingContext rc, String id) {
    try {
      BatchKeys.requireId(id);
      return true;
    } catch (IllegalArgumentException e) {
      requests.problem(rc, Problem.UNKNOWN_BATCH, "no batch " + id + ": " + e.getMessage(), null);
      return false;
    }
  }

  private void status(RoutingContext rc) {
    if (!possibleId(rc, rc.pathParam("id"))) {
      return;
    }
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
                BatchStatus s = ar.result().get();
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
    if (!possibleId(rc, rc.pathParam("id"))) {
      return;
    }
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
