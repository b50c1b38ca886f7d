package io.globalfunc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.DirectoryLibraryReader;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.mcp.ToolCatalog;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.core.worker.FailureKind;
import io.globalfunc.core.worker.PoolConfig;
import io.globalfunc.core.worker.WorkerPool;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gf mcp [DIR]}: serves a local library over MCP stdio for desktop agents: one tool per
 * callable (same names, schemas and meta-tools as the runtime's {@code /mcp}), run in local Python
 * workers. Built on the official MCP Java SDK's stdio transport.
 */
@Command(
    name = "mcp",
    description =
        "Serve a local library over MCP (stdio) for desktop agents: one tool per function.")
final class McpCommand extends GfCommand {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(arity = "0..1", paramLabel = "DIR", description = "The library folder (default: .).")
  Path dir;

  @Option(
      names = "--packages",
      split = ",",
      description = "Expose only these packages (default: GF_MCP_PACKAGES, else all).")
  List<String> packages;

  @Option(names = "--timeout", defaultValue = "60", description = "Per-call timeout in seconds.")
  int timeoutSeconds;

  @Option(names = "--workers", defaultValue = "2", description = "Python worker processes.")
  int workers;

  @Override
  public Integer call() {
    // stdout carries the protocol only: anything else printed goes to stderr.
    PrintStream protocolOut = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
    System.setOut(System.err);
    Path root = gf.cwd().resolve(dir == null ? Path.of(".") : dir).normalize();
    Library library = new DirectoryLibraryReader().read(root);
    String python = python();
    Map<FunctionRef, FunctionInfo> infos = new PythonIntrospector(python).describe(library);
    PoolConfig config =
        PoolConfig.defaults(root)
            .withWorkers(Math.max(1, workers))
            .withPython(python)
            .withWorkDir(gf.cwd())
            .withDefaultTimeout(Duration.ofSeconds(timeoutSeconds));
    CountDownLatch stdinClosed = new CountDownLatch(1);
    try (ToolCatalog catalog = ToolCatalog.of(entries(library, infos), exposed());
        WorkerPool pool = WorkerPool.start(config)) {
      McpJsonMapper mapper = McpJsonDefaults.getMapper();
      StdioServerTransportProvider transport =
          new StdioServerTransportProvider(mapper, watched(stdinClosed), protocolOut);
      McpSyncServer server =
          McpServer.sync(transport)
              .serverInfo("globalfunc", "1")
              .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
              .validateToolInputs(false) // Python binds the arguments and says what is wrong
              .tools(tools(catalog, pool))
              .build();
      catalog
          .tooLong()
          .forEach(
              ref -> System.err.println("gf mcp: warning: " + ToolCatalog.tooLongWarning(ref)));
      System.err.printf(
          "gf mcp: serving %d functions from %s over stdio%s%n",
          catalog.entries().size(), root, catalog.leftOut());
      stdinClosed.await();
      server.closeGracefully();
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private Set<String> exposed() {
    if (packages != null && !packages.isEmpty()) {
      return new HashSet<>(packages);
    }
    String env = env("GF_MCP_PACKAGES");
    Set<String> out = new HashSet<>();
    if (env != null) {
      for (String p : env.split(",")) {
        if (!p.isBlank()) {
          out.add(p.strip());
        }
      }
    }
    return out;
  }

  private static List<ToolCatalog.Entry> entries(
      Library library, Map<FunctionRef, FunctionInfo> infos) {
    String branch = library.branch() == null ? "local" : library.branch();
    Map<String, LibraryFile> files = library.byPath();
    List<ToolCatalog.Entry> out = new ArrayList<>();
    infos.forEach(
        (ref, info) -> {
          LibraryFile f = files.get(ref.path());
          FunctionName name = ref.at(FunctionName.DEFAULT_SPACE, branch);
          out.add(
              new ToolCatalog.Entry(
                  ref, name, info, f.path(), f.text(), f.meta().hash(), library.commit()));
        });
    return out;
  }

  private List<SyncToolSpecification> tools(ToolCatalog catalog, WorkerPool pool) {
    List<SyncToolSpecification> out = new ArrayList<>();
    for (ToolCatalog.Entry e : catalog.entries()) {
      McpSchema.Tool tool =
          McpSchema.Tool.builder(e.tool())
              .title(e.ref().callName())
              .description(ToolCatalog.description(e))
              .inputSchema(asMap(ToolCatalog.inputSchema(e)))
              .build();
      out.add(
          SyncToolSpecification.builder()
              .tool(tool)
              .callHandler((exchange, request) -> call(pool, e, request.arguments()))
              .build());
    }
    out.add(metaTool(ToolCatalog.SEARCH, SEARCH_SCHEMA, SEARCH_DOC, args -> search(catalog, args)));
    out.add(
        metaTool(
            ToolCatalog.DESCRIBE, DESCRIBE_SCHEMA, DESCRIBE_DOC, args -> describe(catalog, args)));
    return out;
  }

  private McpSchema.CallToolResult call(WorkerPool pool, ToolCatalog.Entry e, Map<String, ?> args) {
    JsonNode kwargs = args == null ? null : JSON.valueToTree(args);
    CallOutcome outcome;
    try {
      outcome =
          pool.submit(new CallRequest(e.ref(), null, kwargs, null))
              .get(timeoutSeconds + 15L, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return error(problemText("interrupted", e));
    } catch (ExecutionException | TimeoutException ex) {
      return error(problemText("no Python worker answered: " + ex, e));
    }
    if (outcome instanceof CallOutcome.Success s) {
      return text(ToolCatalog.resultText(s), false);
    }
    return error(ToolCatalog.problem((CallOutcome.Failure) outcome, e.ref().callName()).toString());
  }

  private static String problemText(String detail, ToolCatalog.Entry e) {
    return ToolCatalog.problem(
            new CallOutcome.Failure(FailureKind.UNAVAILABLE, null, detail, null),
            e.ref().callName())
        .toString();
  }

  private static McpSchema.CallToolResult search(ToolCatalog catalog, Map<String, ?> args) {
    Object query = args.get("query");
    Object limit = args.get("limit");
    int n = limit instanceof Number num ? num.intValue() : 10;
    return text(catalog.search(query == null ? "" : query.toString(), n).toString(), false);
  }

  private static McpSchema.CallToolResult describe(ToolCatalog catalog, Map<String, ?> args) {
    Object name = args.get("name");
    ToolCatalog.Entry e = name == null ? null : catalog.find(name.toString());
    if (e == null) {
      return error(
          ToolCatalog.problem(
                  new CallOutcome.Failure(
                      FailureKind.NOT_CALLABLE,
                      null,
                      "no function " + name + " is exposed here",
                      null),
                  String.valueOf(name))
              .toString());
    }
    return text(ToolCatalog.describe(e).toString(), false);
  }

  private static final String SEARCH_DOC =
      "Search the function library by what a function does, in any language (中文 or English):"
          + " names, docstrings and code, best match first. Answers name, tool, summary, score.";
  private static final String SEARCH_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\",\"description\":"
          + "\"Free text, e.g. '时间戳'\"},\"limit\":{\"type\":\"integer\",\"default\":10,"
          + "\"description\":\"How many results, 1-100\"}},\"required\":[\"query\"]}";
  private static final String DESCRIBE_DOC =
      "Describe one function: signature, docstring, JSON Schema of its arguments and result,"
          + " source code, file hash and commit.";
  private static final String DESCRIBE_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"description\":"
          + "\"Package.function or its tool name\"}},\"required\":[\"name\"]}";

  private static SyncToolSpecification metaTool(
      String name,
      String schema,
      String description,
      java.util.function.Function<Map<String, ?>, McpSchema.CallToolResult> handler) {
    McpSchema.Tool tool =
        McpSchema.Tool.builder(name)
            .description(description)
            .inputSchema(asMap(readTree(schema)))
            .build();
    return SyncToolSpecification.builder()
        .tool(tool)
        .callHandler(
            (exchange, request) ->
                handler.apply(request.arguments() == null ? Map.of() : request.arguments()))
        .build();
  }

  private static McpSchema.CallToolResult text(String text, boolean isError) {
    return McpSchema.CallToolResult.builder().addTextContent(text).isError(isError).build();
  }

  /** A tool error: the problem as text, and as structured content for programs. */
  private static McpSchema.CallToolResult error(String problem) {
    return McpSchema.CallToolResult.builder()
        .addTextContent(problem)
        .structuredContent(asMap(readTree(problem)))
        .isError(true)
        .build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(JsonNode node) {
    return JSON.convertValue(node, Map.class);
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stdin that counts {@code closed} down at end of input, when the client goes away. */
  private static InputStream watched(CountDownLatch closed) {
    return new FilterInputStream(new FileInputStream(FileDescriptor.in)) {
      @Override
      public int read() throws IOException {
        return seen(super.read());
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return seen(super.read(b, off, len));
      }

      private int seen(int n) {
        if (n < 0) {
          closed.countDown();
        }
        return n;
      }
    };
  }
}
