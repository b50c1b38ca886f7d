package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.core.testing.RuntimeProcesses;
import io.globalfunc.core.testing.TestLibraries;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls addressed by branch, tag and commit in real runtime processes reading a real Git
 * repository: {@code master} (3 commits over the test), {@code dev}, tag {@code v1}, and 20 {@code
 * exp-N} branches; LRU eviction under {@code GF_MAX_COMMITS} and the worker budget; refused and
 * unknown refs; memoised pure functions; the release switched in place under load.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VersionedCallsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final int EXPERIMENTS = 20;
  private static final int BUDGET = 4;

  @TempDir static Path tmp;
  static Path ANY_CACHE;
  static Path repo;
  static Git git;
  static String c1;
  static String c2;
  static String c3;
  static RuntimeProcesses processes;
  static RuntimeProcesses.Runtime any;
  static RuntimeProcesses.Runtime strict;
  static RedisServer redis;

  @BeforeAll
  static void repositoryAndRuntimes() throws Exception {
    repo = tmp.resolve("repo");
    git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call();
    c1 =
        commit(
            Map.of(
                "Base/add.py", "def add(a, b):\n    return a + b\n",
                "Base/square.py", "__gf_pure__ = True\n\n\ndef square(x):\n    return x * x\n"),
            "c1");
    git.tag().setName("v1").call();
    git.checkout().setCreateBranch(true).setName("dev").call();
    c3 = commit(Map.of("Base/add.py", "def add(a, b):\n    return (a + b) * 100\n"), "c3 on dev");
    for (int i = 0; i < EXPERIMENTS; i++) {
      git.checkout().setCreateBranch(true).setName("exp-" + i).setStartPoint(c1).call();
      commit(Map.of("Base/add.py", "def add(a, b):\n    return a + b + " + 1000 * i + "\n"), "e");
    }
    git.checkout().setName("master").call();
    c2 = commit(Map.of("Base/add.py", "def add(a, b):\n    return (a + b) * 10\n"), "c2");

    redis = RedisServer.start();
    processes = new RuntimeProcesses();
    Map<String, String> env =
        Map.of(
            "GF_REPOSITORY_URL", repo.toUri().toString(),
            "GF_BRANCH", "master",
            "GF_PYTHON_WORKERS", "1",
            "GF_MAX_COMMITS", "3",
            "GF_WORKER_BUDGET", Integer.toString(BUDGET),
            "GF_TIMEOUT", "60s",
            "GF_POD_NAME", "pod-any");
    Map<String, String> anyEnv = new java.util.HashMap<>(env);
    anyEnv.put("GF_REFS", "*");
    anyEnv.put("GF_REDIS_URI", redis.uri()); // durable batches: only this runtime consumes them
    ANY_CACHE = tmp.resolve("cache-any");
    anyEnv.put("GF_CACHE_DIR", ANY_CACHE.toString());
    any = processes.start(tmp, anyEnv);
    Map<String, String> strictEnv = new java.util.HashMap<>(env);
    strictEnv.put("GF_CACHE_DIR", tmp.resolve("cache-strict").toString());
    // The checkouts of a runtime killed outright (its lock file held by nobody) go at start.
    Path left = tmp.resolve("cache-strict/checkouts/run-1-killed");
    TestLibraries.write(left.resolve(c3), Map.of("Base/add.py", "x = 1\n"));
    Files.createFile(left.resolveSibling("run-1-killed.lock"));
    strictEnv.put("GF_POD_NAME", "pod-strict");
    strictEnv.put("GF_COMMIT_IDLE", "2s");
    strict = processes.start(tmp, strictEnv);
  }

  @AfterAll
  static void stop() {
    if (processes != null) {
      processes.close();
    }
    if (git != null) {
      git.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  static String commit(Map<String, String> files, String message) throws Exception {
    TestLibraries.write(repo, files);
    git.add().addFilepattern(".").call();
    return git.commit()
        .setMessage(message)
        .setAuthor("t", "t@x")
        .setCommitter("t", "t@x")
        .call()
        .name();
  }

  static HttpResponse<String> post(RuntimeProcesses.Runtime rt, String path, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(rt.uri(path))
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode get(RuntimeProcesses.Runtime rt, String path) throws Exception {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(rt.uri(path)).build(), HttpResponse.BodyHandlers.ofString())
            .body());
  }

  static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  @Order(1)
  void eachRefAnswersFromItsOwnCommitInOneRuntimeAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      Future<HttpResponse<String>> master =
          pool.submit(() -> post(any, "/v1/functions/Base/add", "{\"a\":1,\"b\":2}"));
      Future<HttpResponse<String>> dev =
          pool.submit(() -> post(any, "/v1/functions/Base/add?ref=dev", "{\"a\":1,\"b\":2}"));
      Future<HttpResponse<String>> tag =
          pool.submit(() -> post(any, "/gfgo/", "{\"pack_func\":\"Base@v1.add\",\"args\":[1,2]}"));
      Future<HttpResponse<String>> pinned =
          pool.submit(
              () ->
                  post(
                      any,
                      "/v1/functions/Base/add?ref=" + c1.substring(0, 10),
                      "{\"a\":1,\"b\":2}"));
      HttpResponse<String> m = master.get();
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.body()).isEqualTo("30");
      assertThat(header(m, "GF-Commit")).isEqualTo(c2);
      assertThat(header(m, "GF-Function")).isEqualTo("sp_GlobalFunc.Base_master.add");
      assertThat(header(m, "GF-Worker")).isEqualTo("pod-any");
      assertThat(header(m, "GF-Function-Hash")).matches("[0-9a-f]{32}");
      HttpResponse<String> d = dev.get();
      assertThat(d.body()).isEqualTo("300");
      assertThat(header(d, "GF-Commit")).isEqualTo(c3);
      assertThat(header(d, "GF-Function")).isEqualTo("sp_GlobalFunc.Base_dev.add");
      assertThat(header(d, "GF-Function-Hash")).isNotEqualTo(header(m, "GF-Function-Hash"));
      HttpResponse<String> t = tag.get();
      assertThat(t.body()).isEqualTo("3");
      assertThat(header(t, "GF-Commit")).isEqualTo(c1);
      assertThat(header(t, "GF-Function")).isEqualTo("sp_GlobalFunc.Base_v1.add");
      HttpResponse<String> p = pinned.get();
      assertThat(p.body()).isEqualTo("3");
      assertThat(header(p, "GF-Commit")).isEqualTo(c1);
    } finally {
      pool.shutdownNow();
    }
    HttpResponse<String> map = post(any, "/v1/map/Base/add?ref=dev", "[{\"a\":1,\"b\":1}]");
    JsonNode env = JSON.readTree(map.body()).get(0);
    assertThat(env.get("result").asInt()).isEqualTo(200);
    assertThat(env.get("commit").asText()).isEqualTo(c3);
    assertThat(env.get("worker").asText()).isEqualTo("pod-any");
    assertThat(env.get("function").asText()).isEqualTo("sp_GlobalFunc.Base_dev.add");
  }

  @Test
  @Order(1)
  void functionsAreListedAndDescribedAtARef() throws Exception {
    JsonNode atDev = get(any, "/v1/functions?ref=dev");
    assertThat(atDev).isNotEmpty();
    atDev.forEach(f -> assertThat(f.get("commit").asText()).isEqualTo(c3));
    JsonNode release = get(any, "/v1/functions/Base/add");
    JsonNode tagged = get(any, "/v1/functions/Base/add?ref=v1");
    assertThat(release.get("commit").asText()).isEqualTo(c2);
    assertThat(tagged.get("commit").asText()).isEqualTo(c1);
    assertThat(tagged.get("hash").asText()).isNotEqualTo(release.get("hash").asText());
    assertThat(get(any, "/v1/functions?ref=no-such-branch").get("type").asText())
        .endsWith("/unknown-ref");
    assertThat(get(strict, "/v1/functions/Base/add?ref=dev").get("type").asText())
        .endsWith("/ref-not-allowed");
  }

  @Test
  @Order(1)
  void durableBatchesRunAtTheirRefAndCarryProvenance() throws Exception {
    HttpResponse<String> queued =
        post(any, "/v1/batches/Base/add?ref=dev", "[{\"a\":1,\"b\":1},{\"a\":2,\"b\":2}]");
    assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
    assertThat(JSON.readTree(queued.body()).get("function").asText()).isEqualTo("Base@dev.add");
    JsonNode dev = batchResults(JSON.readTree(queued.body()).get("id").asText(), 2);
    assertThat(dev.get(0).get("result").asInt()).isEqualTo(200);
    assertThat(dev.get(1).get("result").asInt()).isEqualTo(400);
    for (JsonNode e : dev) {
      assertThat(e.path("commit").asText()).as(e.toString()).isEqualTo(c3);
      assertThat(e.get("function").asText()).isEqualTo("sp_GlobalFunc.Base_dev.add");
      assertThat(e.get("worker").asText()).isEqualTo("pod-any");
      assertThat(e.get("hash").asText()).matches("[0-9a-f]{32}");
    }
    HttpResponse<String> plain = post(any, "/v1/batches/Base/add", "[{\"a\":1,\"b\":1}]");
    JsonNode master = batchResults(JSON.readTree(plain.body()).get("id").asText(), 1);
    assertThat(master.get(0).get("result").asInt()).isEqualTo(20);
    assertThat(master.get(0).get("commit").asText()).isEqualTo(c2);
    assertThat(master.get(0).get("function").asText()).isEqualTo("sp_GlobalFunc.Base_master.add");
    HttpResponse<String> unknown = post(any, "/v1/batches/Base/add?ref=no-such-branch", "[{}]");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("unknown-ref");
  }

  /** The result envelopes of a batch once all {@code total} are there. */
  static JsonNode batchResults(String id, int total) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status = get(any, "/v1/batches/" + id);
      if (status.path("done").asInt() + status.path("failed").asInt() >= total) {
        return get(any, "/v1/batches/" + id + "/results?limit=" + total);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("batch " + id + " did not finish: " + get(any, "/v1/batches/" + id));
  }

  @Test
  @Order(2)
  void unknownAndInvalidRefsAreProblems() throws Exception {
    HttpResponse<String> r = post(any, "/v1/functions/Base/add?ref=nope", "{\"a\":1,\"b\":2}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).get("type").asText()).endsWith("/unknown-ref");
    r = post(any, "/gfgo/", "{\"pack_func\":\"Base@deadbeef.add\",\"args\":[1,2]}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).get("type").asText()).endsWith("/unknown-ref");
    r = post(any, "/v1/functions/Base/add?ref=a..b", "{}");
    assertThat(r.statusCode()).isEqualTo(400);
    r = post(any, "/gfgo/", "{\"pack_func\":\"Base@.add\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    r = post(any, "/v1/functions/Base/nope?ref=dev", "{}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).get("type").asText()).endsWith("/unknown-function");
  }

  @Test
  @Order(3)
  void aReleaseServesOnlyTheRefsItAllows() throws Exception {
    HttpResponse<String> r = post(strict, "/v1/functions/Base/add?ref=dev", "{\"a\":1,\"b\":2}");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(r.body()).get("type").asText()).endsWith("/ref-not-allowed");
    r = post(strict, "/v1/functions/Base/add?ref=" + c3, "{\"a\":1,\"b\":2}");
    assertThat(r.statusCode()).isEqualTo(403); // dev's commit is not reachable from master
    r = post(strict, "/v1/functions/Base/add?ref=" + c1, "{\"a\":1,\"b\":2}");
    assertThat(r.statusCode()).isEqualTo(200); // an older commit of master is
    assertThat(r.body()).isEqualTo("3");
    r = post(strict, "/v1/functions/Base/add?ref=master", "{\"a\":1,\"b\":2}");
    assertThat(r.body()).isEqualTo("30");
  }

  @Test
  @Order(4)
  void twentyRefsAtOnceStayUnderTheBudgetAndEvictedCommitsRestart() throws Exception {
    AtomicBoolean sampling = new AtomicBoolean(true);
    AtomicInteger maxWorkers = new AtomicInteger();
    AtomicInteger maxProcesses = new AtomicInteger();
    AtomicInteger maxCommits = new AtomicInteger();
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                try {
                  JsonNode c = get(any, "/v1/commits");
                  maxWorkers.accumulateAndGet(c.get("liveWorkers").asInt(), Math::max);
                  int warm = 0;
                  for (JsonNode s : c.get("commits")) {
                    warm += s.get("role").asText().equals("draining") ? 0 : 1;
                  }
                  maxCommits.accumulateAndGet(warm, Math::max);
                  maxProcesses.accumulateAndGet(pythonWorkers(any), Math::max);
                } catch (Exception e) {
                  // keep sampling
                }
              }
            });
    sampler.start();
    assertThat(checkouts(ANY_CACHE)).as("dev ran in test 1").contains(c3);
    ExecutorService pool = Executors.newFixedThreadPool(EXPERIMENTS);
    Map<Integer, List<String>> answers = new ConcurrentHashMap<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < EXPERIMENTS; i++) {
        int n = i;
        all.add(
            pool.submit(
                () -> {
                  for (int k = 0; k < 1; k++) {
                    HttpResponse<String> r =
                        post(any, "/v1/functions/Base/add?ref=exp-" + n, "{\"a\":1,\"b\":2}");
                    if (r.statusCode() != 200) {
                      failures.add(n + ": " + r.statusCode() + " " + r.body());
                    }
                    answers.computeIfAbsent(n, x -> new CopyOnWriteArrayList<>()).add(r.body());
                  }
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      sampling.set(false);
      sampler.join();
    }
    assertThat(failures).isEmpty();
    for (int i = 0; i < EXPERIMENTS; i++) {
      assertThat(answers.get(i)).containsOnly(Integer.toString(3 + 1000 * i));
    }
    assertThat(maxWorkers.get()).isLessThanOrEqualTo(BUDGET);
    // Real processes: no worker of these pools is replaced (no timeout, no recycling), and a
    // stopped commit counts until its processes have exited, so the OS never shows more.
    assertThat(maxProcesses.get()).isBetween(2, BUDGET);
    assertThat(maxCommits.get()).isLessThanOrEqualTo(3);
    // dev was evicted by the burst, its checkout deleted with its workers: the disk holds the
    // checkouts of the commits that are warm, no more.
    Set<String> held = awaitNoneDraining(any);
    assertThat(held).doesNotContain(c3).hasSizeLessThanOrEqualTo(3);
    assertThat(checkouts(ANY_CACHE)).isEqualTo(held);
    // It starts again on its next call, checked out again.
    HttpResponse<String> d = post(any, "/v1/functions/Base/add?ref=dev", "{\"a\":1,\"b\":2}");
    assertThat(d.body()).isEqualTo("300");
    assertThat(get(any, "/v1/commits").get("commits").toString()).contains(c3);
    assertThat(checkouts(ANY_CACHE)).contains(c3);
  }

  /** The commits a runtime holds once no commit is draining any more. */
  static Set<String> awaitNoneDraining(RuntimeProcesses.Runtime rt) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      JsonNode commits = get(rt, "/v1/commits").get("commits");
      Set<String> held = new TreeSet<>();
      boolean draining = false;
      for (JsonNode c : commits) {
        held.add(c.get("commit").asText());
        draining |= c.get("role").asText().equals("draining");
      }
      if (!draining || System.nanoTime() > deadline) {
        return held;
      }
      Thread.sleep(50);
    }
  }

  /** Commits checked out under a runtime's cache folder, whatever the layout beneath. */
  static Set<String> checkouts(Path cacheDir) throws IOException {
    Path root = cacheDir.resolve("checkouts");
    if (!Files.isDirectory(root)) {
      return Set.of();
    }
    try (Stream<Path> all = Files.walk(root, 2)) {
      return all.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("[0-9a-f]{40}"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /**
   * Python worker processes (not introspection runs) the runtime has started: its own children
   * only, since a {@code python3} shim (pyenv) runs a chain of wrappers before the interpreter.
   */
  static int pythonWorkers(RuntimeProcesses.Runtime rt) {
    return (int)
        rt.process()
            .children()
            .filter(p -> p.info().commandLine().map(c -> c.contains("gf_worker")).orElse(false))
            .count();
  }

  @Test
  @Order(5)
  void pureFunctionsAreMemoisedUntilTheirFileChanges() throws Exception {
    HttpResponse<String> first = post(any, "/v1/functions/Base/square", "{\"x\":7}");
    assertThat(first.body()).isEqualTo("49");
    assertThat(header(first, "GF-Cache")).isEqualTo("miss");
    HttpResponse<String> again =
        post(any, "/gfgo/", "{\"pack_func\":\"Base.square\",\"args\":[7]}");
    assertThat(again.body()).isEqualTo("49");
    assertThat(header(again, "GF-Cache")).isEqualTo("miss"); // positional: other arguments
    HttpResponse<String> hit = post(any, "/v1/functions/Base/square", "{\"x\":7}");
    assertThat(hit.body()).isEqualTo("49");
    assertThat(header(hit, "GF-Cache")).isEqualTo("hit");
    // The same file at another commit shares the result.
    HttpResponse<String> tag = post(any, "/v1/functions/Base/square?ref=v1", "{\"x\":7}");
    assertThat(header(tag, "GF-Cache")).isEqualTo("hit");
    assertThat(header(tag, "GF-Commit")).isEqualTo(c1);
    HttpResponse<String> notPure = post(any, "/v1/functions/Base/add", "{\"a\":1,\"b\":2}");
    assertThat(header(notPure, "GF-Cache")).isNull();
    // A new commit that changes the file changes the key.
    String c4 =
        commit(
            Map.of(
                "Base/square.py", "__gf_pure__ = True\n\n\ndef square(x):\n    return x * x + 1\n"),
            "c4");
    HttpResponse<String> switched = post(any, "/v1/release", "{\"ref\":\"master\"}");
    assertThat(switched.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(switched.body()).get("commit").asText()).isEqualTo(c4);
    HttpResponse<String> changed = post(any, "/v1/functions/Base/square", "{\"x\":7}");
    assertThat(changed.body()).isEqualTo("50");
    assertThat(header(changed, "GF-Cache")).isEqualTo("miss");
    assertThat(header(changed, "GF-Commit")).isEqualTo(c4);
  }

  @Test
  @Order(6)
  void theReleaseSwitchesInPlaceUnderASteadyCallLoop() throws Exception {
    String before = header(post(any, "/v1/functions/Base/add", "{\"a\":1,\"b\":2}"), "GF-Commit");
    AtomicBoolean running = new AtomicBoolean(true);
    List<String> failures = new CopyOnWriteArrayList<>();
    List<String> commitsSeen = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    ExecutorService loop = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      loop.submit(
          () -> {
            while (running.get()) {
              try {
                HttpResponse<String> r = post(any, "/v1/functions/Base/add", "{\"a\":1,\"b\":2}");
                calls.incrementAndGet();
                if (r.statusCode() != 200) {
                  failures.add(r.statusCode() + " " + r.body());
                } else {
                  String c = header(r, "GF-Commit");
                  if (commitsSeen.isEmpty() || !commitsSeen.get(commitsSeen.size() - 1).equals(c)) {
                    commitsSeen.add(c);
                  }
                }
              } catch (Exception e) {
                failures.add(e.toString());
              }
            }
            return null;
          });
    }
    Thread.sleep(500);
    String c5 = commit(Map.of("Base/add.py", "def add(a, b):\n    return (a + b) * 7\n"), "c5");
    HttpResponse<String> switched = post(any, "/v1/release", "{}");
    assertThat(switched.statusCode()).isEqualTo(200);
    Thread.sleep(500);
    running.set(false);
    loop.shutdown();
    assertThat(loop.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(failures).isEmpty();
    assertThat(calls.get()).isGreaterThan(20);
    assertThat(commitsSeen).contains(before, c5);
    assertThat(commitsSeen.get(commitsSeen.size() - 1)).isEqualTo(c5);
    assertThat(post(any, "/v1/functions/Base/add", "{\"a\":1,\"b\":2}").body()).isEqualTo("21");
    // The old commit's workers stop once its calls have answered.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (get(any, "/v1/commits").get("commits").toString().contains(before)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(get(any, "/v1/commits").get("commits").toString()).doesNotContain(before);
    assertThat(checkouts(ANY_CACHE)).doesNotContain(before).contains(c5);
  }

  @Test
  @Order(7)
  void anIdleCommitStopsWithItsCheckoutAndLeftoversAreRemovedAtStart() throws Exception {
    Path cache = tmp.resolve("cache-strict");
    assertThat(cache.resolve("checkouts/run-1-killed")).doesNotExist();
    assertThat(cache.resolve("checkouts/run-1-killed.lock")).doesNotExist();
    HttpResponse<String> r = post(strict, "/v1/functions/Base/add?ref=" + c1, "{\"a\":1,\"b\":2}");
    assertThat(r.body()).isEqualTo("3");
    assertThat(checkouts(cache)).contains(c1);
    // GF_COMMIT_IDLE is 2 s on this runtime: the commit stops, and its checkout goes with it.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (get(strict, "/v1/commits").get("commits").toString().contains(c1)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(get(strict, "/v1/commits").get("commits").toString()).doesNotContain(c1);
    assertThat(checkouts(cache)).containsExactly(c2);
    r = post(strict, "/v1/functions/Base/add?ref=" + c1, "{\"a\":1,\"b\":2}");
    assertThat(r.body()).isEqualTo("3");
    assertThat(checkouts(cache)).containsExactlyInAnyOrder(c1, c2);
  }
}
