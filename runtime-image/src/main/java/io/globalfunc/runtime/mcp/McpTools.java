package io.globalfunc.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.mcp.ToolCatalog;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.http.CallMetrics;
import io.globalfunc.runtime.http.Requests;
import io.globalfunc.runtime.library.ServedFunction;
import io.globalfunc.runtime.library.ServedLibrary;
import io.quarkiverse.mcp.server.TextContent;
import io.quarkiverse.mcp.server.ToolManager;
import io.quarkiverse.mcp.server.ToolResponse;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Registers one MCP tool per served callable at {@code /mcp} (after the library is loaded) and runs
 * tool calls through the same pool, limits and allow-list as HTTP calls; a failed call is a tool
 * error carrying the problem (type, title, detail, exception).
 */
@ApplicationScoped
public class McpTools {

  private static final Logger LOG = Logger.getLogger(McpTools.class);

  private final ToolManager tools;
  private final ServedLibrary library;
  private final RuntimeConfig config;
  private final CallMetrics metrics;
  private volatile ToolCatalog catalog;

  McpTools(ToolManager tools, ServedLibrary library, RuntimeConfig config, CallMetrics metrics) {
    this.tools = tools;
    this.library = library;
    this.config = config;
    this.metrics = metrics;
  }

  /** After {@link ServedLibrary} loaded the library (it observes at the default priority). */
  void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
    if (library.library() == null) {
      return; // not loaded: readiness says why; no tools to offer
    }
    List<ToolCatalog.Entry> all = new ArrayList<>();
    for (ServedFunction fn : library.functions().values()) {
      all.add(entry(fn));
    }
    Set<String> packages = new HashSet<>(config.mcpPackages().orElse(List.of()));
    ToolCatalog exposed = ToolCatalog.of(all, packages);
    for (ToolCatalog.Entry e : exposed.entries()) {
      tools
          .newTool(e.tool())
          .setTitle(e.ref().callName())
          .setDescription(ToolCatalog.description(e))
          .setInputSchema(new JsonObject(ToolCatalog.inputSchema(e).toString()))
          // The raw message keeps the arguments exactly as sent (numbers, nesting, key order).
          .setAsyncHandler(args -> call(e, args.rawMessage().asJsonObject()))
          .register();
    }
    this.catalog = exposed;
    LOG.infof("MCP at /mcp: %d function tools", exposed.entries().size());
  }

  private ToolCatalog.Entry entry(ServedFunction fn) {
    String source = library.library().byPath().get(fn.path()).text();
    return new ToolCatalog.Entry(
        fn.ref(), fn.name(), fn.info(), fn.path(), source, fn.meta().hash(), fn.commit());
  }

  /** The exposed functions, for the meta-tools ({@code null} until loaded). */
  ToolCatalog catalog() {
    return catalog;
  }

  private Uni<ToolResponse> call(ToolCatalog.Entry e, JsonObject message) {
    ServedFunction fn = library.function(e.ref());
    WorkerPool pool = library.pool();
    if (fn == null || pool == null) {
      metrics.unknown();
      return Uni.createFrom()
          .item(error(Problem.UNAVAILABLE.body(Requests.JSON, "not served", null)));
    }
    JsonNode kwargs;
    try {
      JsonObject params = message.getJsonObject("params");
      JsonObject arguments = params == null ? null : params.getJsonObject("arguments");
      kwargs = arguments == null ? null : Requests.JSON.readTree(arguments.encode());
    } catch (IOException | ClassCastException ex) {
      return Uni.createFrom()
          .item(
              error(
                  Problem.INVALID_REQUEST.body(
                      Requests.JSON, "arguments must be a JSON object", e.ref().callName())));
    }
    long start = System.nanoTime();
    Context context = Vertx.currentContext();
    // Under a lease on the release's commit, so an in-place release switch lets it finish.
    CompletableFuture<CallOutcome> call =
        library.submit(new CallRequest(e.ref(), null, kwargs, null));
    dropAfterDeadline(context, call);
    return Uni.createFrom()
        .completionStage(call)
        .map(
            outcome -> {
              metrics.record(e.ref(), outcome, System.nanoTime() - start, CallMetrics.Mode.MCP);
              return response(e, outcome);
            })
        .onFailure(CancellationException.class)
        .recoverWithItem(() -> overloaded(e))
        .emitOn(
            task -> {
              if (context == null) {
                task.run();
              } else {
                context.runOnContext(v -> task.run());
              }
            });
  }

  /** Like an HTTP call, one not finished by its deadline waited too long for a worker. */
  private void dropAfterDeadline(Context context, CompletableFuture<CallOutcome> call) {
    if (context == null) {
      return;
    }
    Vertx vertx = context.owner();
    long timer = vertx.setTimer(config.callDeadline().toMillis(), id -> call.cancel(false));
    call.whenComplete((outcome, error) -> vertx.cancelTimer(timer));
  }

  private ToolResponse overloaded(ToolCatalog.Entry e) {
    String detail =
        "the call waited more than "
            + config.queueTimeout().orElse(config.timeout()).toSeconds()
            + " s for a Python worker";
    return error(Problem.OVERLOADED.body(Requests.JSON, detail, e.ref().callName()));
  }

  private static ToolResponse response(ToolCatalog.Entry e, CallOutcome outcome) {
    if (outcome instanceof CallOutcome.Success s) {
      return ToolResponse.success(new TextContent(ToolCatalog.resultText(s)));
    }
    CallOutcome.Failure f = (CallOutcome.Failure) outcome;
    return error(Problem.body(Requests.JSON, f, e.ref().callName()));
  }

  /** A tool error: the problem as text (for models) and as structured content (for programs). */
  static ToolResponse error(ObjectNode problem) {
    String text = problem.toString();
    return new ToolResponse(
        true, List.of(new TextContent(text)), new JsonObject(text).getMap(), null);
  }
}
