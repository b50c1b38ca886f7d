package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.testing.TestLibraries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerPoolIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  private static WorkerPool pool;

  @BeforeAll
  static void start() {
    Path lib = TestLibraries.writeMisbehaving(tmp.resolve("lib"));
    pool =
        WorkerPool.start(
            PoolConfig.defaults(lib)
                .withPython(System.getProperty("gf.python", "python3"))
                .withWorkDir(tmp.resolve("work"))
                .withWorkers(2)
                .withDefaultTimeout(Duration.ofSeconds(30)));
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  private static CallOutcome call(String pkg, String fn, String kwargsJson) throws Exception {
    return call(pkg, fn, kwargsJson, null);
  }

  private static CallOutcome call(String pkg, String fn, String kwargsJson, Duration timeout)
      throws Exception {
    JsonNode kwargs = kwargsJson == null ? null : JSON.readTree(kwargsJson);
    return pool.submit(new CallRequest(new FunctionRef(pkg, fn), null, kwargs, timeout))
        .get(60, TimeUnit.SECONDS);
  }

  private static String ok(CallOutcome outcome) {
    assertThat(outcome).isInstanceOf(CallOutcome.Success.class);
    return new String(((CallOutcome.Success) outcome).json(), StandardCharsets.UTF_8);
  }

  private static CallOutcome.Failure failed(CallOutcome outcome, FailureKind kind) {
    assertThat(outcome).isInstanceOf(CallOutcome.Failure.class);
    CallOutcome.Failure f = (CallOutcome.Failure) outcome;
    assertThat(f.kind()).as(f.toString()).isEqualTo(kind);
    return f;
  }

  @Test
  void seedExampleUnderUtc() throws Exception {
    assertThat(
            ok(
                call(
                    "Base",
                    "inverse_time_str",
                    "{\"time_str\":\"2024-02-15 11:11:11\",\"bias_hours\":-8}")))
        .isEqualTo("1707966671");
  }

  @Test
  void positionalArgumentsAndHelpersFromPrivateFiles() throws Exception {
    CallOutcome out =
        pool.submit(
                new CallRequest(new FunctionRef("Base", "add"), JSON.readTree("[40]"), null, null))
            .get(30, TimeUnit.SECONDS);
    assertThat(ok(out)).isEqualTo("42");
    assertThat(ok(call("Base", "helper_user", "{\"x\":21}"))).isEqualTo("42");
  }

  @Test
  void wrongArgumentsAreReportedWithPythonsMessage() throws Exception {
    CallOutcome.Failure f =
        failed(call("Base", "add", "{\"a\":1,\"nope\":1}"), FailureKind.BAD_ARGUMENTS);
    assertThat(f.message()).contains("nope");
  }

  @Test
  void raisedExceptionCarriesTypeMessageAndTraceback() throws Exception {
    CallOutcome.Failure f =
        failed(call("Bad", "raises", "{\"message\":\"kaputt\"}"), FailureKind.RAISED);
    assertThat(f.type()).isEqualTo("ValueError");
    assertThat(f.message()).isEqualTo("kaputt");
    assertThat(f.traceback()).contains("raises.py").contains("ValueError: kaputt");
    assertThat(failed(call("Bad", "sys_exit", null), FailureKind.RAISED).type())
        .isEqualTo("SystemExit");
    assertThat(failed(call("Bad", "import_fails", null), FailureKind.RAISED).message())
        .contains("module-level failure");
  }

  @Test
  void unserialisableResults() throws Exception {
    failed(call("Bad", "returns_set", null), FailureKind.NOT_SERIALIZABLE);
    failed(call("Bad", "returns_nan", null), FailureKind.NOT_SERIALIZABLE);
    failed(call("Bad", "returns_inf", null), FailureKind.NOT_SERIALIZABLE);
    failed(call("Base", "mismatch", null), FailureKind.NOT_CALLABLE);
    failed(call("Base", "not_callable", null), FailureKind.NOT_CALLABLE);
  }

  @Test
  void printsNeverCorruptTheProtocol() throws Exception {
    assertThat(ok(call("Bad", "chatty", "{\"lines\":5000}"))).isEqualTo("5000");
    assertThat(ok(call("Bad", "writes_stdout_fd", null))).isEqualTo("\"ok\"");
    assertThat(ok(call("Base", "add", "{\"a\":1}"))).isEqualTo("3");
  }

  @Test
  void largeArgumentsAndResultsRoundTrip() throws Exception {
    String big = ok(call("Bad", "big_result", "{\"mib\":5}"));
    assertThat(big.length()).isEqualTo(5 * 1024 * 1024 + 2);
    ObjectNode kwargs = JSON.createObjectNode();
    kwargs.put("value", "y".repeat(3 * 1024 * 1024));
    CallOutcome echoed =
        pool.submit(new CallRequest(new FunctionRef("Bad", "echo"), null, kwargs, null))
            .get(30, TimeUnit.SECONDS);
    assertThat(ok(echoed)).hasSize(3 * 1024 * 1024 + 2);
  }

  @Test
  void chineseNamesAndValues() throws Exception {
    assertThat(ok(call("中文包", "时间戳", "{\"文本\":\"你好，世界\"}"))).isEqualTo("5");
    assertThat(ok(call("Bad", "echo", "{\"value\":\"时间戳\"}"))).isEqualTo("\"时间戳\"");
  }

  @Test
  void crashFailsOnlyTheCrashingCallAndTheWorkerIsReplaced() throws Exception {
    List<CompletableFuture<CallOutcome>> good = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      good.add(
          pool.submit(
              new CallRequest(
                  new FunctionRef("Base", "add"), JSON.readTree("[" + i + "]"), null, null)));
    }
    CompletableFuture<CallOutcome> crash =
        pool.submit(
            new CallRequest(
                new FunctionRef("Bad", "exits"), null, JSON.readTree("{\"code\":3}"), null));
    for (int i = 20; i < 40; i++) {
      good.add(
          pool.submit(
              new CallRequest(
                  new FunctionRef("Base", "add"), JSON.readTree("[" + i + "]"), null, null)));
    }
    CallOutcome.Failure f = failed(crash.get(30, TimeUnit.SECONDS), FailureKind.WORKER_CRASHED);
    assertThat(f.message()).contains("exited with code 3");
    for (int i = 0; i < good.size(); i++) {
      assertThat(ok(good.get(i).get(30, TimeUnit.SECONDS))).isEqualTo(Integer.toString(i + 2));
    }
    assertThat(failed(call("Bad", "segfault", null), FailureKind.WORKER_CRASHED).message())
        .contains("SIGSEGV");
    assertThat(ok(call("Base", "add", "{\"a\":5}"))).isEqualTo("7");
  }

  @Test
  void timeoutKillsAndReplacesTheWorker() throws Exception {
    CallOutcome.Failure f =
        failed(
            call("Bad", "sleepy", "{\"seconds\":30}", Duration.ofMillis(500)), FailureKind.TIMEOUT);
    assertThat(f.message()).contains("500 ms");
    assertThat(ok(call("Base", "add", "{\"a\":1,\"b\":1}"))).isEqualTo("2");
    assertThat(pool.stats().timeouts()).isGreaterThanOrEqualTo(1);
  }
}
