package io.globalfunc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.catalog.CatalogConfig;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.CallRequest;
import io.globalfunc.core.worker.PoolConfig;
import io.globalfunc.core.worker.WorkerPool;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
      "Call Package.function with keyword arguments (values are JSON when they parse as JSON,",
      "else strings): --local runs it in the runtime's Python worker, --url posts to a runtime."
    })
final class CallCommand extends GfCommand {

  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Parameters(index = "0", paramLabel = "Package.function")
  String target;

  @Parameters(index = "1..*", paramLabel = "key=value", description = "Keyword arguments.")
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
    ObjectNode kwargs = parsePairs();
    return url != null ? remote(ref, kwargs) : local(ref, kwargs);
  }

  /** {@code key=value} pairs as a JSON object; a malformed pair is a usage error. */
  ObjectNode parsePairs() {
    ObjectNode kwargs = JsonNodeFactory.instance.objectNode();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (eq <= 0 || !FunctionName.isIdentifier(key)) {
        throw usage("malformed argument '" + pair + "': expected key=value with key a Python name");
      }
      if (kwargs.has(key)) {
        throw usage("argument '" + key + "' given twice");
      }
      kwargs.set(key, value(pair.substring(eq + 1)));
    }
    return kwargs;
  }

  /** JSON when the text is one complete JSON value, else the text as a string. */
  static JsonNode value(String text) {
    try {
      JsonNode node = STRICT.readTree(text);
      if (node != null && !node.isMissingNode()) {
        return node;
      }
    } catch (JsonProcessingException notJson) {
      // plain text
    }
    return JsonNodeFactory.instance.textNode(text);
  }

  private int local(FunctionRef ref, ObjectNode kwargs) {
    try (Workspace ws = workspace()) {
      Path file = ws.root().resolve(ref.path());
      if (!Files.isRegularFile(file)) {
        throw new GfException(
            ref.callName() + " is not in the library: no " + ref.path() + " in " + ws.root());
      }
      PoolConfig config =
          PoolConfig.defaults(ws.root())
              .withWorkers(1)
              .withPython(System.getenv().getOrDefault("GF_PYTHON", "python3"))
              .withWorkDir(gf.cwd())
              .withDefaultTimeout(Duration.ofSeconds(timeoutSeconds));
      try (WorkerPool pool = WorkerPool.start(config)) {
        CallOutcome outcome;
        try {
          outcome =
              pool.submit(CallRequest.kwargs(ref, kwargs))
                  .get(timeoutSeconds + 15L, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          throw new GfException("no Python worker answered within " + (timeoutSeconds + 15) + " s");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new GfException("interrupted");
        } catch (ExecutionException e) {
          throw new GfException("the call failed: " + e.getCause());
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
  }

  private int remote(FunctionRef ref, ObjectNode kwargs) {
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
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("pack_func", new FunctionName.RefCall(ref.callName(), this.ref).spelled());
    body.set("kwargs", kwargs);
    String where = CatalogConfig.redact(base);
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(Math.min(10, timeoutSeconds)))
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(timeoutSeconds))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, application/problem+json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new GfException("no answer from " + where + " within " + timeoutSeconds + " s");
    } catch (ConnectException e) {
      throw new GfException("cannot reach the runtime at " + where + " (connection refused)");
    } catch (IOException e) {
      throw new GfException("cannot reach the runtime at " + where + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GfException("interrupted");
    }
    if (response.statusCode() / 100 == 2) {
      out().println(response.body().strip());
      return 0;
    }
    throw new GfException(ref.callName() + ": " + problem(response));
  }

  /** One line from an RFC 9457 problem (title and detail), or the status and body. */
  private static String problem(HttpResponse<String> response) {
    try {
      JsonNode p = STRICT.readTree(response.body());
      if (p != null && p.isObject() && (p.has("title") || p.has("detail"))) {
        String title = p.path("title").asText("HTTP " + response.statusCode());
        String detail = p.path("detail").asText("");
        return title + (detail.isEmpty() ? "" : ": " + firstLine(detail));
      }
    } catch (JsonProcessingException notJson) {
      // fall through
    }
    String body = firstLine(response.body());
    return "HTTP " + response.statusCode() + (body.isEmpty() ? "" : ": " + body);
  }

  private static String firstLine(String s) {
    String line = s == null ? "" : s.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 297) + "..." : line;
  }
}
