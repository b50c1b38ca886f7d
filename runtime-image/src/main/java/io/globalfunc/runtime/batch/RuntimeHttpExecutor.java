package io.globalfunc.runtime.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.JsonArrayItems;
import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.FailureKind;
import io.globalfunc.runtime.RuntimeConfig;
import io.globalfunc.runtime.library.RefException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The batch agent's executor: runs a task's items on the pod's runtime container with one {@code
 * POST /v1/map} over loopback, marked as background work ({@link BatchRoutes#PRIORITY_HEADER}), so
 * the runtime feeds them to its Python workers exactly as its own consumer would (frames, batch
 * share, a crashed chunk-mate's items run again alone). Each envelope is read back into the outcome
 * it was written from; a runtime that cannot be reached or answers {@code unavailable} ran nothing,
 * so the items go back to the stream. The agent holds the Redis secret; the runtime holds none.
 */
final class RuntimeHttpExecutor implements ItemExecutor {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RECHECK = Duration.ofSeconds(1);

  private final URI base;
  private final int tasksAtOnce;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** How fast the runtime has been answering each function's tasks. */
  private final Map<String, Throughput> rates = new ConcurrentHashMap<>();

  /** Items and tasks sent to the runtime and not answered yet. */
  private final AtomicInteger itemsOut = new AtomicInteger();

  private final AtomicInteger tasksOut = new AtomicInteger();

  /** The function and size of the last task sent: what the next is taken to be like. */
  private volatile String lastFunction;

  private volatile int lastTask;

  private volatile boolean up;
  private volatile long checkedAt = System.nanoTime() - RECHECK.toNanos();
  private volatile Set<String> names = Set.of();

  RuntimeHttpExecutor(URI base, int tasksAtOnce) {
    this.base = base;
    this.tasksAtOnce = tasksAtOnce;
  }

  /** The executor of a batch agent ({@code GF_BATCH_AGENT=true}) calling {@code GF_RUNTIME_URL}. */
  static RuntimeHttpExecutor of(RuntimeConfig config) {
    String url =
        config
            .runtimeUrl()
            .orElseThrow(() -> new IllegalStateException("a batch agent needs GF_RUNTIME_URL"));
    return new RuntimeHttpExecutor(URI.create(url.replaceAll("/+$", "")), config.batchTasks());
  }

  /** The release branch whose stream a batch agent consumes ({@code GF_BRANCH}, required). */
  static String branch(RuntimeConfig config) {
    return config
        .branch()
        .orElseThrow(() -> new IllegalStateException("a batch agent needs GF_BRANCH"));
  }

  @Override
  public CompletableFuture<Target> target(FunctionName.RefCall call) {
    return CompletableFuture.completedFuture(new MapTarget(call));
  }

  /**
   * A task's items as one {@code /v1/map} request (with {@code ?ref=} when the batch names one);
   * the provenance is what the runtime wrote in the envelopes.
   */
  private final class MapTarget implements Target {
    private final FunctionName.RefCall call;
    private final FunctionRef fn;
    private final Map<String, String> provenance = new ConcurrentHashMap<>();

    MapTarget(FunctionName.RefCall call) {
      this.call = call;
      this.fn = FunctionRef.parseOrNull(call.packFunc());
    }

    @Override
    public FunctionRef function() {
      return fn;
    }

    @Override
    public CompletableFuture<List<CallOutcome>> run(List<Item> items) {
      String query =
          call.ref() == null ? "" : "?ref=" + URLEncoder.encode(call.ref(), StandardCharsets.UTF_8);
      HttpRequest request =
          HttpRequest.newBuilder(base.resolve("/v1/map/" + fn.pkg() + "/" + fn.function() + query))
              .header("Content-Type", "application/json")
              .header(BatchRoutes.PRIORITY_HEADER, BatchRoutes.BACKGROUND)
              .POST(HttpRequest.BodyPublishers.ofByteArray(array(items)))
              .build();
      Throughput rate = sent(call.packFunc(), items.size());
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
          .handle(
              (response, error) -> {
                answered(rate, items.size());
                if (error != null) {
                  up = false; // look again before reading more
                  return all(items.size(), unreachable(error));
                }
                return outcomes(response, items.size(), provenance);
              });
    }

    @Override
    public Map<String, String> provenance() {
      Map<String, String> fields = new LinkedHashMap<>(provenance);
      fields.remove(ResultEnvelope.CACHE); // per item, not per task
      return fields;
    }

    @Override
    public void close() {}
  }

  private Throughput sent(String function, int items) {
    Throughput rate = rates.computeIfAbsent(function, f -> new Throughput());
    rate.started(System.nanoTime());
    itemsOut.addAndGet(items);
    tasksOut.incrementAndGet();
    lastFunction = function;
    lastTask = items;
    return rate;
  }

  private void answered(Throughput rate, int items) {
    rate.finished(items, System.nanoTime());
    itemsOut.addAndGet(-items);
    tasksOut.decrementAndGet();
  }

  /**
   * Reads ahead by run time as a runtime does ({@link ReadAhead}), judged by how fast the pod's
   * runtime has been answering the last function sent: the agent cannot see its runtime's queue,
   * only its throughput.
   */
  @Override
  public int tasksToRead(int free) {
    String function = lastFunction;
    Throughput rate = function == null ? null : rates.get(function);
    int items = itemsOut.get();
    long held = rate == null ? -1 : rate.nanosFor(items);
    long task = rate == null ? -1 : rate.nanosFor(lastTask);
    boolean unknown = held < 0;
    return ReadAhead.tasks(
        free,
        new ReadAhead.Backlog(items, tasksOut.get(), Math.max(0, held), unknown, Math.max(0, task)),
        1);
  }

  /** The items as one JSON array of the bytes their callers sent (never re-encoded). */
  private static byte[] array(List<Item> items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('[');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(items.get(i).raw());
    }
    out.write(']');
    return out.toByteArray();
  }

  /**
   * The envelopes of a 200, or every item failed as the whole answer's problem says; throws (the
   * task's items then fail as internal errors) when the answer is neither.
   */
  private static List<CallOutcome> outcomes(
      HttpResponse<byte[]> response, int size, Map<String, String> provenance) {
    try {
      if (response.statusCode() != 200) {
        return all(size, problem(response));
      }
      List<CallOutcome> out = new ArrayList<>(size);
      for (byte[] envelope : JsonArrayItems.split(response.body())) {
        out.add(ResultEnvelope.read(envelope, out.isEmpty() ? provenance : null));
      }
      if (out.size() != size) {
        throw new IOException(out.size() + " envelopes for " + size + " items");
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("the runtime's map answer cannot be read: " + e, e);
    }
  }

  private static CallOutcome.Failure problem(HttpResponse<byte[]> response) throws IOException {
    JsonNode body = JSON.readTree(response.body());
    String type = body == null ? "" : body.path("type").asText();
    String detail = body == null ? null : body.path("detail").asText(null);
    for (RefException.Reason reason : RefException.Reason.values()) {
      if (reason != RefException.Reason.UNAVAILABLE
          && new RefException(reason, "").problem().type().equals(type)) {
        throw new RefException(reason, detail); // the batch names a ref the release cannot serve
      }
    }
    FailureKind kind = Problem.kindOf(type);
    if (kind == null) {
      throw new IOException(
          "the runtime answered "
              + response.statusCode()
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
    return new CallOutcome.Failure(kind, null, detail, null);
  }

  private static CallOutcome.Failure unreachable(Throwable error) {
    return new CallOutcome.Failure(
        FailureKind.UNAVAILABLE,
        null,
        "the pod's runtime container cannot be reached: " + error,
        null);
  }

  private static List<CallOutcome> all(int size, CallOutcome outcome) {
    return Collections.nCopies(size, outcome);
  }

  /** Whether the runtime is ready, and what it serves: asked again at most once a second. */
  @Override
  public boolean ready() {
    if (System.nanoTime() - checkedAt >= RECHECK.toNanos()) {
      checkedAt = System.nanoTime();
      up = get("/q/health/ready") != null;
      if (up) {
        names = functions(get("/v1/functions"));
      }
    }
    return up;
  }

  private byte[] get(String path) {
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private Set<String> functions(byte[] list) {
    if (list == null) {
      return names;
    }
    Set<String> out = new LinkedHashSet<>();
    try {
      JSON.readTree(list).forEach(f -> out.add(f.path("name").asText()));
    } catch (IOException e) {
      return names;
    }
    return Set.copyOf(out);
  }

  @Override
  public Set<String> callNames() {
    return names;
  }

  @Override
  public int tasksAtOnce() {
    return tasksAtOnce;
  }
}
