package io.globalfunc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.batch.BatchProducer;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.batch.BatchStoreException;
import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.catalog.CatalogConfig;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gf map}: one function over every line of a JSONL file, results written in input order,
 * resumable. With {@code --redis} the items become a durable batch that every runtime of the
 * release works on; with {@code --url} one runtime runs them through {@code /v1/map}.
 */
@Command(
    name = "map",
    description = {
      "Call Pack.func once per line of --input (a JSON object of keyword arguments per line) and",
      "write one result envelope per line to --output, in input order:",
      "  {\"ok\":true,\"result\":...} or {\"ok\":false,\"problem\":{...}}.",
      "Re-running the same command resumes an interrupted run."
    })
final class MapCommand extends GfCommand {

  private static final ObjectMapper PLAIN = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "Pack.func", description = "The function to call.")
  String function;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "Items, one JSON object per line.")
  Path input;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "FILE",
      description = "Results, one envelope per line.")
  Path output;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "A runtime to run the items on (POST /v1/map).")
  String url;

  @Option(
      names = "--redis",
      paramLabel = "URI",
      description = "Redis of the release: a durable batch for all its runtimes.")
  String redis;

  @Option(
      names = "--branch",
      paramLabel = "BRANCH",
      description = "The release's branch (default: the current branch, or 'local').")
  String branch;

  @Option(
      names = "--space",
      paramLabel = "SPACE",
      description = "The release's space (default: GF_SPACE or sp_GlobalFunc).")
  String space;

  @Option(
      names = "--ref",
      paramLabel = "REF",
      description =
          "The version to run, a branch, tag or commit the release serves (with --redis, each"
              + " task names it, so the runtimes' GF_REFS must allow it).")
  String versionRef;

  @Option(
      names = "--provenance",
      description =
          "Keep each result's provenance (function, commit, hash, worker, cache) in its line.")
  boolean provenance;

  @Option(
      names = "--chunk",
      defaultValue = "500",
      description = "Items per /v1/map request with --url (default ${DEFAULT-VALUE}).")
  int chunk;

  /**
   * The input's items (their UTF-8 bytes as written), the line of each ({@code itemLine[i]} for
   * item i), malformed lines' answers.
   */
  record Input(List<byte[]> items, int[] itemLine, String[] lineProblem, String digest) {}

  /** {@link #input} and {@link #output} from the caller's folder (a daemon has its own). */
  private Path inFile;

  private Path outFile;

  @Override
  public Integer call() throws Exception {
    inFile = gf.cwd().resolve(input);
    outFile = gf.cwd().resolve(output);
    if ((url == null) == (redis == null)) {
      throw usage("give exactly one of --url URL or --redis URI");
    }
    if (versionRef != null && !FunctionName.isRefName(versionRef)) {
      throw usage("--ref needs a valid ref name (a branch, tag or commit)");
    }
    FunctionRef ref = FunctionRef.parseOrNull(function);
    if (ref == null) {
      throw usage("not a function name: " + function + " (expected Package.function)");
    }
    if (!Files.isRegularFile(inFile)) {
      throw new GfException("no input file " + input);
    }
    // Redis is reached while the input is read: both take a good part of a second.
    CompletableFuture<MapQueue> queue =
        redis == null
            ? null
            : CompletableFuture.supplyAsync(
                () ->
                    MapQueue.open(
                        redis,
                        space != null ? space : catalogConfig().space(),
                        branch != null ? branch : currentBranchOrLocal()));
    try {
      return run(ref, queue);
    } finally {
      if (queue != null) {
        MapQueue.close(queue);
      }
    }
  }

  private Integer run(FunctionRef ref, CompletableFuture<MapQueue> queue) throws Exception {
    Input in = read();
    int lines = in.lineProblem().length;
    MapOutput.Existing existing = MapOutput.Existing.of(outFile);
    int written = existing.lines();
    MapState state = MapState.load(outFile, task(ref), in.digest(), lines, written, err());
    if (state == null && written > 0) {
      if (written == lines && existing.allEnvelopes()) {
        return summary(
            lines, " (already complete: remove it to run the map again)", existing.failed());
      }
      throw new GfException(
          output + " exists and was not written by this map; remove it or choose another --output");
    }
    if (written > lines) {
      throw new GfException(output + " has more lines than the input");
    }
    // Probing the runtime first means a mistyped function leaves no state behind.
    HttpClient client = url != null ? probe(ref) : null;
    ProgressBar bar = progressBar("map " + function);
    long failed;
    try (OutputStream w =
        new BufferedOutputStream(
            Files.newOutputStream(outFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            1 << 16)) {
      MapOutput writer = new MapOutput(w, in, written, existing.failed(), bar);
      writer.flushMalformed();
      if (url != null) {
        if (state == null) {
          state = MapState.create(outFile, task(ref), in.digest(), lines, null);
        }
        viaUrl(client, ref, in, writer);
      } else {
        viaRedis(ref, in, writer, state, MapQueue.joined(queue));
      }
      failed = writer.failed();
    }
    MapState.delete(outFile);
    return summary(lines, "", failed);
  }

  private int summary(int lines, String note, long failed) {
    if (json) {
      ObjectNode n = PLAIN.createObjectNode();
      n.put("function", function);
      n.put("items", lines);
      n.put("failed", failed);
      n.put("output", output.toString());
      printJson(n);
    } else {
      out()
          .println(
              lines
                  + " results in "
                  + output
                  + (failed > 0 ? " (" + failed + " failed)" : "")
                  + note);
    }
    return failed > 0 ? 1 : 0;
  }

  private Input read() throws IOException {
    byte[] bytes = Files.readAllBytes(inFile);
    Slices raw = MapLines.split(bytes);
    int[] itemLine = new int[raw.size()];
    int items = 0;
    String[] problems = new String[raw.size()];
    for (int i = 0; i < raw.size(); i++) {
      String problem = MapLines.problem(raw.get(i));
      if (problem == null) {
        itemLine[items++] = i;
      } else {
        err().println("gf: " + input + " line " + (i + 1) + ": " + problem + "; skipped");
        ObjectNode p =
            Problem.INVALID_REQUEST.body(PLAIN, "line " + (i + 1) + ": " + problem, null);
        problems[i] = new String(ResultEnvelope.failure(p), StandardCharsets.UTF_8);
      }
    }
    return new Input(raw.select(itemLine, items), itemLine, problems, MapState.digest(bytes));
  }

  /** The client for {@code --url}, once the runtime has said it serves the function. */
  private HttpClient probe(FunctionRef ref) throws InterruptedException {
    String base = base();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    URI describe =
        URI.create(base + "/v1/functions/" + ref.pkg() + "/" + ref.function() + refQuery())
            .normalize();
    HttpResponse<String> probe;
    try {
      probe =
          client.send(
              HttpRequest.newBuilder(encoded(describe)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new GfException("cannot reach " + CatalogConfig.redact(base) + ": " + e.getMessage());
    }
    if (probe.statusCode() == 404 || probe.statusCode() == 403) {
      String at = versionRef == null ? "" : " at ref " + versionRef;
      throw new GfException(
          "no function "
              + function
              + " is served"
              + at
              + " at "
              + CatalogConfig.redact(base)
              + " ("
              + detail(probe)
              + ")");
    }
    return client;
  }

  /** A problem answer's {@code detail}, else its status. */
  private static String detail(HttpResponse<String> r) {
    try {
      String d = PLAIN.readTree(r.body()).path("detail").asText("");
      return d.isEmpty() ? "HTTP " + r.statusCode() : d;
    } catch (IOException | RuntimeException e) {
      return "HTTP " + r.statusCode();
    }
  }

  /** {@code ?ref=...} with --ref, else empty. */
  private String refQuery() {
    return versionRef == null
        ? ""
        : "?ref=" + java.net.URLEncoder.encode(versionRef, StandardCharsets.UTF_8);
  }

  private String base() {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private void viaUrl(HttpClient client, FunctionRef ref, Input in, MapOutput writer)
      throws Exception {
    String base = base();
    int done = writer.itemsDone();
    URI map =
        encoded(URI.create(base + "/v1/map/" + ref.pkg() + "/" + ref.function() + refQuery()));
    for (int from = done; from < in.items().size(); from += chunk) {
      List<byte[]> slice = in.items().subList(from, Math.min(in.items().size(), from + chunk));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write('[');
      for (int i = 0; i < slice.size(); i++) {
        body.write(i == 0 ? ' ' : ',');
        body.writeBytes(slice.get(i));
      }
      body.write(']');
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(map)
                  .timeout(Duration.ofMinutes(30))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new GfException("the runtime answered " + r.statusCode() + ": " + r.body());
      }
      JsonNode envelopes = PLAIN.readTree(r.body());
      for (int i = 0; i < envelopes.size(); i++) {
        writer.item(from + i, line(envelopes.get(i)).getBytes(StandardCharsets.UTF_8));
      }
      writer.flush();
    }
  }

  /** An envelope as written: its provenance fields only with {@code --provenance}. */
  private String line(JsonNode envelope) {
    if (!provenance && envelope instanceof ObjectNode o) {
      o.remove(ResultEnvelope.PROVENANCE); // kept only with --provenance
    }
    return envelope.toString();
  }

  private static URI encoded(URI uri) {
    return URI.create(uri.toASCIIString());
  }

  private void viaRedis(FunctionRef ref, Input in, MapOutput writer, MapState state, MapQueue queue)
      throws Exception {
    String sp = queue.space();
    String br = queue.branch();
    BatchStore store = queue.store();
    BatchProducer producer =
        new BatchProducer(store, Duration.ofSeconds(1), Duration.ofSeconds(30))
            .warnings(w -> err().println("gf: " + w));
    String batch = state == null ? null : state.batch();
    if (batch == null || store.status(batch).isEmpty() && writer.itemsDone() == 0) {
      List<String> served;
      try {
        served = List.copyOf(store.functions());
      } catch (BatchStoreException e) {
        throw new GfException(
            "cannot reach Redis at " + CatalogConfig.redact(redis) + ": " + e.getMessage());
      }
      if (served.isEmpty()) {
        throw new GfException(
            "no runtime takes batches for space "
                + sp
                + " branch "
                + br
                + " (are the runtimes started with GF_REDIS_URI?)");
      }
      if (!served.contains(ref.callName())) {
        throw new GfException(
            "no function " + function + " is served on branch " + br + " in space " + sp);
      }
      batch = producer.submit(task(ref), in.items());
      MapState.create(outFile, task(ref), in.digest(), in.lineProblem().length, batch);
      err().println("gf: batch " + batch + " queued (" + in.items().size() + " items)");
    } else {
      err().println("gf: resuming batch " + batch + " at item " + writer.itemsDone());
    }
    // Ctrl-C in a daemon's client: stop waiting (a fresh gf just dies); a rerun resumes.
    try (Cancel.Registration r = gf.invocation.cancel().onCancel(producer::stop)) {
      producer.await(
          batch,
          task(ref),
          in.items(),
          writer.itemsDone(),
          provenance,
          writer::item,
          (d, t) -> writer.flush());
    }
  }

  /** The name each task of a durable batch carries: {@code Package@ref.function} with --ref. */
  private String task(FunctionRef ref) {
    return new FunctionName.RefCall(ref.callName(), versionRef).spelled();
  }

  private String currentBranchOrLocal() {
    try (Workspace ws = workspace()) {
      return ws.branch().orElse("local");
    } catch (RuntimeException e) {
      return "local";
    }
  }
}
