package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.testing.TestLibraries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real pool over {@link TestLibraries#hostile()}, and the assertions its tests share. */
final class HostilePool {

  static final ObjectMapper JSON = new ObjectMapper();

  private HostilePool() {}

  static PoolConfig config(Path tmp) {
    return PoolConfig.defaults(TestLibraries.write(tmp.resolve("lib"), TestLibraries.hostile()))
        .withPython(System.getProperty("gf.python", "python3"))
        .withWorkDir(tmp.resolve("work"))
        .withWorkers(1)
        .withDefaultTimeout(Duration.ofSeconds(30));
  }

  static JsonNode json(String text) {
    try {
      return text == null ? null : JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static CompletableFuture<CallOutcome> submit(
      WorkerPool pool, String name, String kwargs, Duration timeout) {
    int dot = name.indexOf('.');
    FunctionRef ref = new FunctionRef(name.substring(0, dot), name.substring(dot + 1));
    return pool.submit(new CallRequest(ref, null, json(kwargs), timeout));
  }

  static CallOutcome call(WorkerPool pool, String name, String kwargs) throws Exception {
    return submit(pool, name, kwargs, null).get(60, TimeUnit.SECONDS);
  }

  static String ok(CallOutcome outcome) {
    assertThat(outcome).isInstanceOf(CallOutcome.Success.class);
    return new String(((CallOutcome.Success) outcome).json(), StandardCharsets.UTF_8);
  }

  static CallOutcome.Failure failed(CallOutcome outcome, FailureKind kind) {
    assertThat(outcome).isInstanceOf(CallOutcome.Failure.class);
    CallOutcome.Failure f = (CallOutcome.Failure) outcome;
    assertThat(f.kind()).as(f.toString()).isEqualTo(kind);
    return f;
  }

  /** The pid a function wrote to {@code file} in the workers' folder, once it is there. */
  static long pidIn(Path tmp, String file) throws Exception {
    Path p = tmp.resolve("work").resolve(file);
    for (int i = 0; i < 200 && !Files.exists(p); i++) {
      Thread.sleep(50);
    }
    return Long.parseLong(Files.readString(p).trim());
  }

  /** True once the process is gone (or a zombie nobody waits for), within a few seconds. */
  static boolean ends(long pid) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        Thread.sleep(50);
      } else {
        return true;
      }
    }
    return isZombie(pid);
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }
}
