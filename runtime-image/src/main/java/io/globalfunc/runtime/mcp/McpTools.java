package io.globalfunc.runtime.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.mcp.ToolCatalog;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.http.CallMetrics;
import io.globalfunc.runtime.http.Requests;
import io.globalfunc.runtime.library.CommitLibrary;
import io.globalfunc.runtime.library.CommitPools;
import io.globalfunc.runtime.library.Lease;
import io.globalfunc.runtime.library.ReleaseChanged;
import io.globalfunc.runtime.library.ServedFunction;
import io.globalfunc.runtime.library.ServedLibrary;
import io.quarkiverse.mcp.server.TextContent;
import io.quarkiverse.mcp.server.ToolManager;
import io.quarkiverse.mcp.server.ToolResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * One MCP tool per callable of the release's commit at {@code /mcp}, following the release as it is
 * switched or reloaded; runs tool calls through the same pool, limits and allow-list as HTTP calls.
 * A failed call is a tool error carrying the problem (type, title, detail, exception).
 */
@ApplicationScoped
public class McpTools {

  private static final Logger LOG = Logger.getLogger(McpTools.class);

  private final ServedLibrary library;
  private final RuntimeConfig config;
  private final CallMetrics metrics;
  private final ToolRegistrations registrations;
  private volatile ToolCatalog catalog;

  McpTools(ToolManager tools, ServedLibrary library, RuntimeConfig config, CallMetrics metrics) {
    this.library = library;
    this.config = config;
    this.metrics = metrics;
    this.registrations = new ToolRegistrations(tools, this::call);
  }

  /**
   * Makes the tools and the meta-tools' answers those of the release's new commit (loaded at start,
   * switched or reloaded): only the tools whose definition changed are added, removed or replaced.
   */
  synchronized void follow(@Observes ReleaseChanged changed) {
    long start = System.nanoTime();
    ToolCatalog before = catalog;
    ToolCatalog next = catalogOf(changed.release(), before);
    // The replaced catalog is not closed: the new one took over its search index, and a search
    // that read the field just before may still be reading it.
    catalog = next;
    warnAboutLongNames(before, next);
    ToolRegistrations.Changes changes = registrations.follow(next);
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (before == null) {
      LOG.infof("MCP at /mcp: %d function tools%s", next.entries().size(), next.leftOut());
    } else {
      LOG.infof(
          "MCP tools follow commit %s in %d ms: %d added, %d removed, %d replaced; %d function"
              + " tools%s",
          changed.release().commit(),
          millis,
          changes.added(),
          changes.removed(),
          changes.replaced(),
          next.entries().size(),
          next.leftOut());
    }
  }

  private ToolCatalog catalogOf(CommitLibrary release, ToolCatalog before) {
    Map<String, LibraryFile> files = release.library().byPath();
    List<ToolCatalog.Entry> all = new ArrayList<>();
    for (ServedFunction fn : release.functions().values()) {
      all.add(
          new ToolCatalog.Entry(
              fn.ref(),
              fn.name(),
              fn.info(),
              fn.path(),
              files.get(fn.path()).text(),
              fn.meta().hash(),
              fn.commit()));
    }
    return ToolCatalog.of(all, new HashSet<>(config.mcpPackages().orElse(List.of())), before);
  }

  /** One warning per function left out, once: at start, then for those a new commit adds. */
  private static void warnAboutLongNames(ToolCatalog before, ToolCatalog next) {
    Set<FunctionRef> warned = before == null ? Set.of() : new HashSet<>(before.tooLong());
    for (FunctionRef ref : next.tooLong()) {
      if (!warned.contains(ref)) {
        LOG.warn(ToolCatalog.tooLongWarning(ref));
      }
    }
  }

  /** The exposed functions, for the meta-tools ({@code null} until loaded). */
  ToolCatalog catalog() {
    return catalog;
  }

  /**
   * Runs a tool call on the release's commit as it is now: the function is looked up under the
   * call's lease, so a call during a switch runs the old or the new function, whole.
   */
  private Uni<ToolResponse> call(FunctionRef ref, JsonObject message) {
    CommitPools commits = library.commits();
    if (commits == null) {
      return Uni.createFrom()
          .item(error(Problem.UNAVAILABLE.body(Requests.JSON, "the library is not loaded", null)));
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
                      Requests.JSON, "arguments must be a JSON object", ref.callName())));
    }
    Lease lease = commits.leaseCurrent();
    if (lease.library().function(ref) == null) {
      lease.close(); // removed by a switch whose tools/list_changed the client has not acted on
      metrics.unknown();
      String detail = "no function " + ref.callName() + " is served here";
      return Uni.createFrom()
          .item(error(Problem.UNKNOWN_FUNCTION.body(Requests.JSON, detail, ref.callName())));
    }
    long start = System.nanoTime();
    Context context = Vertx.currentContext();
    // Under the lease, so an in-place release switch lets it finish on the workers it started on.
    CompletableFuture<CallOutcome> call =
        ServedLibrary.submit(lease, new CallRequest(ref, null, kwargs, null));
    dropAfterDeadline(context, call);
    return Uni.createFrom()
        .completionStage(call)
        .map(
            outcome -> {
              metrics.record(ref, outcome, System.nanoTime() - start, CallMetrics.Mode.MCP);
              return response(ref, outcome);
            })
        .onFailure(CancellationException.class)
        .recoverWithItem(() -> overloaded(ref))
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

  private ToolResponse overloaded(FunctionRef ref) {
    String detail =
        "the call waited more than "
            + config.queueTimeout().orElse(config.timeout()).toSeconds()
            + " s for a Python worker";
    return error(Problem.OVERLOADED.body(Requests.JSON, detail, ref.callName()));
  }

  private static ToolResponse response(FunctionRef ref, CallOutcome outcome) {
    if (outcome instanceof CallOutcome.Success s) {
      return ToolResponse.success(new TextContent(ToolCatalog.resultText(s)));
    }
    CallOutcome.Failure f = (CallOutcome.Failure) outcome;
    return error(Problem.body(Requests.JSON, f, ref.callName()));
  }

  /** A tool error: the problem as text (for models) and as structured content (for programs). */
  static ToolResponse error(ObjectNode problem) {
    String text = problem.toString();
    return new ToolResponse(
        true, List.of(new TextContent(text)), new JsonObject(text).getMap(), null);
  }
}
