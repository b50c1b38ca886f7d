package io.globalfunc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.catalog.CatalogConfig;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.core.worker.PoolConfig;
import io.globalfunc.core.worker.WorkerPool;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gf call Pack.func key=value ...}: calls a function with keyword arguments, locally through
 * the runtime's own Python worker pool or remotely through a runtime's {@code POST /gfgo/}.
 */
@Command(
    name = "call",
    description = {
      "Call Package.function with keyword arguments. k=v is typed by the function's",
      "annotation of k (str keeps the text; int, float, bool parse it), else is JSON when it",
      "parses as JSON, else a string; k:=json is always JSON. --local runs it in a local Python",
      "worker (what it prints goes to stderr); --url posts to a runtime."
    })
final class CallCommand extends GfCommand {

  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Parameters(index = "0", paramLabel = "Package.function")
  String target;

  @Parameters(
      index = "1..*",
      paramLabel = "key=value",
      description = "Keyword arguments: key=value, or key:=json for JSON as is.")
  List<String> pairs = new ArrayList<>();

  @Option(names = "--local", description = "Run in a local Python worker (the default).")
  boolean local;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "A runtime, e.g. http://127.0.0.1:8000")
  String url;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description = "Give up after this many seconds (default 60).")
  int timeoutSeconds;

  @Option(
      names = "--ref",
      paramLabel = "REF",
      description = "With --url: the version to call, a branch, tag or commit the release serves.")
  String ref;

  @Option(names = "--traceback", description = "Print Python's traceback when the function raises.")
  boolean traceback;

  @Override
  public Integer call() {
    if (local && url != null) {
      throw usage("give either --local or --url, not both");
    }
    if (ref != null && url == null) {
      throw usage("--ref needs --url (a local call runs the working folder)");
    }
    if (ref != null && !FunctionName.isRefName(ref)) {
      throw usage("not a valid ref name: " + ref);
    }
    if (timeoutSeconds < 1) {
      throw usage("--timeout must be at least 1");
    }
    FunctionRef ref = FunctionRef.parseOrNull(target);
    if (ref == null) {
      throw usage("not a function name: " + target + " (expected Package.function)");
    }
    List<Kwargs.Pair> parsed;
    try {
      parsed = Kwargs.parse(pairs);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    return url != null ? remote(ref, parsed) : local(ref, parsed);
  }

  /** The arguments typed by the function's annotations when some {@code k=v} needs them. */
  ObjectNode kwargs(List<Kwargs.Pair> parsed, Supplier<Map<String, String>> annotations) {
    Map<String, String> types = Kwargs.needAnnotations(parsed) ? annotations.get() : Map.of();
    try {
      return Kwargs.typed(parsed, types);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** The annotations of the working-tree file, read by Python's {@code ast}. */
  private Map<String, String> annotations(FunctionRef ref, Path file) {
    try {
      FunctionInfo info = new PythonIntrospector(python()).describe(ref, Files.readString(file));
      return annotations(info.signature() == null ? List.of() : info.signature().parameters());
    } catch (IOException | RuntimeException e) {
      return Map.of(); // the call itself reports what is wrong with the file
    }
  }

  private static Map<String, String> annotations(List<FunctionInfo.Parameter> parameters) {
    Map<String, String> out = new HashMap<>();
    for (FunctionInfo.Parameter p : parameters) {
      if (p.annotation() != null) {
        out.put(p.name(), p.annotation());
      }
    }
    return out;
  }

  private int local(FunctionRef ref, List<Kwargs.Pair> parsed) {
    try (Workspace ws = workspace()) {
      Path file = ws.root().resolve(ref.path());
      if (!Files.isRegularFile(file)) {
        throw new GfException(
            ref.callName() + " is not in the library: no " + ref.path() + " in " + ws.root());
      }
      ObjectNode kwargs = kwargs(parsed, () -> annotations(ref, file));
      PoolConfig config =
          PoolConfig.defaults(ws.root())
              .withWorkers(1)
              .withPython(python())
              .withWorkDir(gf.cwd())
              .withDefaultTimeout(Duration.ofSeconds(timeoutSeconds));
      CallOutcome outcome;
      try (PythonPrints prints = PythonPrints.to(err());
          WorkerPool pool = WorkerPool.start(config)) {
        outcome = await(pool, CallRequest.kwargs(ref, kwargs));
      }
      if (outcome instanceof CallOutcome.Success s) {
        out().println(new String(s.json(), StandardCharsets.UTF_8));
        return 0;
      }
      CallOutcome.Failure f = (CallOutcome.Failure) outcome;
      if (traceback && f.traceback() != null) {
        err().print(f.traceback());
      }
      String kind = f.kind().name().toLowerCase().replace('_', ' ');
      throw new GfException(
          ref.callName()
              + ": "
              + kind
              + (f.type() == null ? "" : ": " + f.type())
              + (f.message() == null ? "" : ": " + firstLine(f.message())));
    }
  }

  private CallOutcome await(WorkerPool pool, CallRequest request) {
    try {
      return pool.submit(request).get(timeoutSeconds + 15L, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new GfException("no Python worker answered within " + (timeoutSeconds + 15) + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GfException("interrupted");
    } catch (ExecutionException e) {
      throw new GfException("the call failed: " + e.getCause());
    }
  }

  private int remote(FunctionRef ref, List<Kwargs.Pair> parsed) {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    URI uri;
    try {
      uri = URI.create(base + "/gfgo/");
      if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
        throw new IllegalArgumentException("not http");
      }
    } catch (IllegalArgumentException e) {
      throw usage("not an http(s) URL: " + CatalogConfig.redact(url));
    }
    RuntimeHttp http =
        new RuntimeHttp(base, Duration.ofSeconds(timeoutSeconds), gf.invocation.cancel());
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("pack_func", new FunctionName.RefCall(ref.callName(), this.ref).spelled());
    body.set("kwargs", kwargs(parsed, () -> served(http, ref)));
    RuntimeHttp.Answer response = http.post("/gfgo/", body.toString());
    if (response.status() / 100 == 2) {
      out().println(response.body().strip());
      return 0;
    }
    throw new GfException(ref.callName() + ": " + problem(response));
  }

  /** The annotations of the function as the runtime serves it ({@code GET /v1/functions/..}). */
  private static Map<String, String> served(RuntimeHttp http, FunctionRef ref) {
    RuntimeHttp.Answer r = http.get("/v1/functions/" + ref.pkg() + "/" + ref.function());
    Map<String, String> out = new HashMap<>();
    try {
      JsonNode params = STRICT.readTree(r.body()).path("signature").path("parameters");
      for (JsonNode p : params) {
        if (p.path("annotation").isTextual()) {
          out.put(p.path("name").asText(), p.path("annotation").asText());
        }
      }
    } catch (JsonProcessingException e) {
      // an unknown function or an old runtime: the call itself says what is wrong
    }
    return out;
  }

  /**
   * One line from an RFC 9457 problem (title, the Python exception's type and the detail), or the
   * status and body; with {@code --traceback} the served traceback goes to stderr first.
   */
  private String problem(RuntimeHttp.Answer response) {
    try {
      JsonNode p = STRICT.readTree(response.body());
      if (p != null && p.isObject() && (p.has("title") || p.has("detail"))) {
        String title = p.path("title").asText("HTTP " + response.status());
        String detail = p.path("detail").asText("");
        String type = p.path("exception").path("type").asText("");
        if (traceback && p.path("exception").path("traceback").isTextual()) {
          err().print(p.path("exception").path("traceback").asText());
        }
        return title
            + (type.isEmpty() ? "" : ": " + type)
            + (detail.isEmpty() ? "" : ": " + firstLine(detail));
      }
    } catch (JsonProcessingException notJson) {
      // fall through
    }
    String body = firstLine(response.body());
    return "HTTP " + response.status() + (body.isEmpty() ? "" : ": " + body);
  }

  private static String firstLine(String s) {
    String line = s == null ? "" : s.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 297) + "..." : line;
  }
}
