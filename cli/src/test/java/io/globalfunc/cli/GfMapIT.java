package io.globalfunc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.core.testing.RuntimeProcesses;
import io.globalfunc.core.testing.TestLibraries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gf map} as a process against real runtimes and a real Redis: 100,000 inputs with one
 * runtime killed along the way, malformed lines, an unknown function, and an interrupted run
 * resumed.
 */
class GfMapIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  private static RedisServer redis;
  private static RuntimeProcesses runtimes;
  private static final List<RuntimeProcesses.Runtime> started = new ArrayList<>();
  private static GfProcess gf;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    Path lib = TestLibraries.write(tmp.resolve("lib"), TestLibraries.batchFunctions());
    Map<String, String> env = RuntimeProcesses.batchEnv(lib, redis.uri(), tmp.resolve("work"));
    runtimes = new RuntimeProcesses();
    started.addAll(runtimes.start(3, tmp, env));
    gf = new GfProcess(tmp.resolve("home"));
  }

  @AfterAll
  static void stop() {
    runtimes.close();
    redis.close();
  }

  private static Path input(String name, int n, Map<Integer, String> replace) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(replace.getOrDefault(i, "{\"x\":" + i + "}")).append('\n');
    }
    Path p = tmp.resolve(name);
    Files.writeString(p, sb.toString());
    return p;
  }

  private static long lines(Path p) throws Exception {
    return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8).size() : 0;
  }

  @Test
  void hundredThousandInputsInOrderWithARuntimeKilledAlongTheWay() throws Exception {
    int n = 100_000;
    Path in = input("big.jsonl", n, Map.of(500, "{not json", 70_001, "[1,2]"));
    Path out = tmp.resolve("big.out");
    CompletableFuture<GfProcess.Result> run =
        CompletableFuture.supplyAsync(
            () ->
                gf.run(
                    tmp,
                    "map",
                    "Base.square",
                    "--input",
                    in.toString(),
                    "--output",
                    out.toString(),
                    "--redis",
                    redis.uri(),
                    "--branch",
                    "local"));
    while (lines(out) < 20_000 && !run.isDone()) {
      Thread.sleep(100);
    }
    started.get(2).process().destroyForcibly().waitFor();
    GfProcess.Result r = run.get();
    assertThat(r.exit()).as(r.toString()).isEqualTo(1); // the two malformed lines failed
    assertThat(r.err()).contains("line 501").contains("line 70002");
    List<String> got = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(got).hasSize(n);
    assertThat(got.get(0))
        .as("no provenance without --provenance")
        .isEqualTo("{\"ok\":true,\"result\":0}");
    for (int i = 0; i < n; i++) {
      JsonNode e = JSON.readTree(got.get(i));
      if (i == 500 || i == 70_001) {
        assertThat(e.path("ok").asBoolean()).isFalse();
        assertThat(e.path("problem").path("detail").asText()).startsWith("line " + (i + 1));
      } else {
        assertThat(e.path("result").asLong()).as("line %d", i + 1).isEqualTo((long) i * i);
      }
    }
    assertThat(Files.exists(out.resolveSibling("big.out.gfmap"))).isFalse();
  }

  @Test
  void unknownFunctionIsRejectedBeforeAnythingIsQueued() throws Exception {
    Path in = input("small.jsonl", 10, Map.of());
    GfProcess.Result r =
        gf.run(
            tmp,
            "map",
            "Base.nope",
            "--input",
            in.toString(),
            "--output",
            tmp.resolve("nope.out").toString(),
            "--redis",
            redis.uri(),
            "--branch",
            "local");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("no function Base.nope");
    try (BatchStore store =
        BatchStore.connect(null, redis.uri(), new BatchKeys("sp_GlobalFunc", "local"))) {
      assertThat(store.queued()).isZero();
    }
    GfProcess.Result usage =
        gf.run(tmp, "map", "Base.square", "--input", in.toString(), "--output", "x.out");
    assertThat(usage.exit()).isEqualTo(2);
  }

  @Test
  void anInterruptedMapResumesWhereItStopped() throws Exception {
    int n = 5000;
    Path in = input("resume.jsonl", n, Map.of());
    Path out = tmp.resolve("resume.out");
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            GfProcess.jar().toString(),
            "map",
            "Base.slow_square",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--redis",
            redis.uri(),
            "--branch",
            "local");
    Process first =
        new ProcessBuilder(cmd)
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("first.log").toFile())
            .start();
    while (lines(out) < 500 && first.isAlive()) {
      Thread.sleep(20);
    }
    first.destroyForcibly().waitFor();
    assertThat(lines(out)).isLessThan(n);
    GfProcess.Result second =
        gf.run(
            tmp,
            "map",
            "Base.slow_square",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--redis",
            redis.uri(),
            "--branch",
            "local");
    assertThat(second.exit()).as(second.toString()).isZero();
    assertThat(second.err()).contains("resuming batch");
    List<String> got = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(got).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(JSON.readTree(got.get(i)).path("result").asLong())
          .as("line %d", i + 1)
          .isEqualTo((long) i * i);
    }
  }

  @Test
  void mapThroughOneRuntimeUrl() throws Exception {
    Path in = input("url.jsonl", 1200, Map.of(3, "7"));
    Path out = tmp.resolve("url.out");
    GfProcess.Result r =
        gf.run(
            tmp,
            "map",
            "Base.square",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--url",
            started.get(0).uri("").toString(),
            "--json");
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(JSON.readTree(r.out()).path("failed").asInt()).isEqualTo(1);
    List<String> got = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(got).hasSize(1200);
    assertThat(JSON.readTree(got.get(1199)).path("result").asLong()).isEqualTo(1199L * 1199);
  }

  private static GfProcess.Result mapUrl(String function, Path in, Path out) {
    return gf.run(
        tmp,
        "map",
        function,
        "--input",
        in.toString(),
        "--output",
        out.toString(),
        "--url",
        started.get(0).uri("").toString());
  }

  @Test
  void aTypoLeavesAWayOutAndAFinishedMapSaysItIsComplete() throws Exception {
    Path in = input("typo.jsonl", 10, Map.of());
    Path out = tmp.resolve("typo.out");
    Path state = tmp.resolve("typo.out.gfmap");
    GfProcess.Result typo = mapUrl("Base.sqare", in, out);
    assertThat(typo.exit()).as(typo.toString()).isEqualTo(1);
    assertThat(typo.err()).contains("no function Base.sqare");
    assertThat(state).doesNotExist();

    GfProcess.Result fixed = mapUrl("Base.square", in, out);
    assertThat(fixed.exit()).as(fixed.toString()).isZero();
    assertThat(lines(out)).isEqualTo(10);

    GfProcess.Result again = mapUrl("Base.square", in, out);
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(again.out()).contains("10 results in " + out).contains("already complete");

    // A state of another map that wrote nothing is discarded; one that wrote something says how
    // to get out.
    Path other = tmp.resolve("other.out");
    Files.writeString(
        other.resolveSibling("other.out.gfmap"), "{\"function\":\"Base.x\",\"lines\":3}");
    GfProcess.Result stale = mapUrl("Base.square", in, other);
    assertThat(stale.exit()).as(stale.toString()).isZero();
    assertThat(stale.err()).contains("discarding").contains("Base.x over 3 lines");
    Path partial = tmp.resolve("partial.out");
    Files.writeString(partial, "{\"ok\":true,\"result\":0}\n");
    Files.writeString(
        partial.resolveSibling("partial.out.gfmap"), "{\"function\":\"Base.x\",\"lines\":3}");
    GfProcess.Result refused = mapUrl("Base.square", in, partial);
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.err())
        .contains("holds a partial map of Base.x over 3 lines")
        .contains("rerun that map to finish it, or remove " + partial);
    // The same function over as many lines, but another input (edited since) or another ref:
    // never resumed, which would mix the old run's results into the new one's.
    Files.writeString(
        partial.resolveSibling("partial.out.gfmap"),
        "{\"function\":\"Base.square\",\"lines\":10,\"input\":\"60-0\"}");
    GfProcess.Result edited = mapUrl("Base.square", in, partial);
    assertThat(edited.exit()).as(edited.toString()).isEqualTo(1);
    assertThat(edited.err()).contains("partial map of Base.square over 10 lines of another input");
    Files.writeString(
        partial.resolveSibling("partial.out.gfmap"),
        "{\"function\":\"Base@dev.square\",\"lines\":10}");
    GfProcess.Result otherRef = mapUrl("Base.square", in, partial);
    assertThat(otherRef.exit()).as(otherRef.toString()).isEqualTo(1);
    assertThat(otherRef.err()).contains("partial map of Base@dev.square over 10 lines");
  }
}
