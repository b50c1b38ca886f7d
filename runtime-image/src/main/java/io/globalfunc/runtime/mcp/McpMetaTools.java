package io.globalfunc.runtime.mcp;

import io.globalfunc.core.error.Problem;
import io.globalfunc.core.mcp.ToolCatalog;
import io.globalfunc.runtime.http.Requests;
import io.quarkiverse.mcp.server.TextContent;
import io.quarkiverse.mcp.server.Tool;
import io.quarkiverse.mcp.server.ToolArg;
import io.quarkiverse.mcp.server.ToolResponse;

/**
 * The meta-tools: {@code search_functions} finds functions by what they do (ranked, Chinese and
 * English), {@code describe_function} shows one function's signature, doc, schema, source and
 * commit. Both see only the functions exposed as tools.
 */
public class McpMetaTools {

  private final McpTools functions;

  McpMetaTools(McpTools functions) {
    this.functions = functions;
  }

  @Tool(
      name = ToolCatalog.SEARCH,
      description =
          "Search the function library by what a function does, in any language (中文 or"
              + " English): names, docstrings and code, best match first. Answers name, tool"
              + " (the tool to call), summary and score.")
  ToolResponse searchFunctions(
      @ToolArg(description = "Free text, e.g. 'timestamp from a time string' or '时间戳'")
          String query,
      @ToolArg(description = "How many results, 1-100", defaultValue = "10") int limit) {
    ToolCatalog catalog = functions.catalog();
    if (catalog == null) {
      return unavailable();
    }
    return ToolResponse.success(new TextContent(catalog.search(query, limit).toString()));
  }

  @Tool(
      name = ToolCatalog.DESCRIBE,
      description =
          "Describe one function: signature, docstring, JSON Schema of its arguments and"
              + " result, source code, file hash and commit.")
  ToolResponse describeFunction(
      @ToolArg(description = "Package.function (e.g. Base.inverse_time_str) or its tool name")
          String name) {
    ToolCatalog catalog = functions.catalog();
    if (catalog == null) {
      return unavailable();
    }
    ToolCatalog.Entry e = catalog.find(name);
    if (e == null) {
      return McpTools.error(
          Problem.UNKNOWN_FUNCTION.body(
              Requests.JSON, "no function " + name + " is exposed here", name));
    }
    return ToolResponse.success(new TextContent(ToolCatalog.describe(e).toString()));
  }

  private static ToolResponse unavailable() {
    return McpTools.error(
        Problem.UNAVAILABLE.body(Requests.JSON, "the library is not loaded", null));
  }
}
