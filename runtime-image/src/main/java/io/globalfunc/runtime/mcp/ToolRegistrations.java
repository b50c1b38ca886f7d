package io.globalfunc.runtime.mcp;

import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.mcp.ToolCatalog;
import io.quarkiverse.mcp.server.ToolManager;
import io.quarkiverse.mcp.server.ToolResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The function tools registered with the MCP extension, brought in line with a catalog by adding,
 * removing and replacing only the tools whose definition changed; the extension tells connected
 * clients {@code notifications/tools/list_changed} at each of these.
 */
final class ToolRegistrations {

  /** What a client sees of a tool in {@code tools/list}. */
  private record Definition(String title, String description, String inputSchema) {

    static Definition of(ToolCatalog.Entry e) {
      return new Definition(
          e.ref().callName(), ToolCatalog.description(e), ToolCatalog.inputSchema(e).toString());
    }
  }

  /** How many tools one catalog added, removed and replaced. */
  record Changes(int added, int removed, int replaced) {

    boolean any() {
      return added + removed + replaced > 0;
    }
  }

  private final ToolManager tools;

  /** Runs a call of the function a tool stands for, with the raw {@code tools/call} message. */
  private final BiFunction<FunctionRef, JsonObject, Uni<ToolResponse>> handler;

  private final Map<String, Definition> registered = new HashMap<>();

  ToolRegistrations(
      ToolManager tools, BiFunction<FunctionRef, JsonObject, Uni<ToolResponse>> handler) {
    this.tools = tools;
    this.handler = handler;
  }

  /** Makes the registered function tools those of {@code catalog}. */
  synchronized Changes follow(ToolCatalog catalog) {
    Map<String, ToolCatalog.Entry> wanted = new HashMap<>();
    catalog.entries().forEach(e -> wanted.put(e.tool(), e));
    int removed = 0;
    for (String tool : List.copyOf(registered.keySet())) {
      if (!wanted.containsKey(tool)) {
        tools.removeTool(tool);
        registered.remove(tool);
        removed++;
      }
    }
    int added = 0;
    int replaced = 0;
    for (ToolCatalog.Entry e : catalog.entries()) {
      Definition now = Definition.of(e);
      Definition before = registered.get(e.tool());
      if (now.equals(before)) {
        continue; // its calls already run the release's function: they look it up at call time
      }
      if (before != null) {
        // The extension cannot replace a tool in one step: a call in between meets no tool.
        tools.removeTool(e.tool());
        replaced++;
      } else {
        added++;
      }
      register(e, now);
    }
    return new Changes(added, removed, replaced);
  }

  private void register(ToolCatalog.Entry e, Definition d) {
    FunctionRef ref = e.ref();
    tools
        .newTool(e.tool())
        .setTitle(d.title())
        .setDescription(d.description())
        .setInputSchema(new JsonObject(d.inputSchema()))
        // The raw message keeps the arguments exactly as sent (numbers, nesting, key order).
        .setAsyncHandler(args -> handler.apply(ref, args.rawMessage().asJsonObject()))
        .register();
    registered.put(e.tool(), d);
  }
}
