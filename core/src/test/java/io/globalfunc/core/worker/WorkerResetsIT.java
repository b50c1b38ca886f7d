package io.globalfunc.core.worker;

import static io.globalfunc.core.worker.HostilePool.JSON;
import static io.globalfunc.core.worker.HostilePool.call;
import static io.globalfunc.core.worker.HostilePool.config;
import static io.globalfunc.core.worker.HostilePool.failed;
import static io.globalfunc.core.worker.HostilePool.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.library.FunctionRef;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one call changes in its process is undone before the next; what cannot be read or encoded
 * fails its own call with a problem of its own kind, and never kills the worker.
 */
class WorkerResetsIT {

  @TempDir static Path tmp;
  private static WorkerPool pool;

  @BeforeAll
  static void start() {
    pool = WorkerPool.start(config(tmp));
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  @Test
  void processWideStateIsRestoredAfterEveryCall() throws Exception {
    JsonNode before = JSON.readTree(ok(call(pool, "Hostile.state", null)));
    assertThat(ok(call(pool, "Hostile.messes", null))).isEqualTo("\"messed\"");
    JsonNode after = JSON.readTree(ok(call(pool, "Hostile.state", null)));
    assertThat(after).isEqualTo(before);
    assertThat(after.get("leaked").isNull()).isTrue();
    assertThat(after.get("utcoffset").asInt()).isZero();
    assertThat(after.get("stdout").asText()).isEqualTo("_TaggedStream");
  }

  @Test
  void aLibraryPackageNamedLikeAStandardModuleShadowsNothing() throws Exception {
    assertThat(ok(call(pool, "Hostile.uses_datetime", null))).isEqualTo("\"2024-01-02\"");
    CallOutcome.Failure f = failed(call(pool, "datetime.today", null), FailureKind.NOT_CALLABLE);
    assertThat(f.message()).contains("standard-library module");
  }

  @Test
  void aRequestNestedAtTheDepthLimitFailsAloneWithoutKillingTheWorker() throws Exception {
    long crashes = pool.stats().crashes();
    ObjectNode kwargs = JSON.createObjectNode();
    JsonNode deep = JSON.createArrayNode();
    for (int i = 0; i < 995; i++) {
      deep = JSON.createArrayNode().add(deep);
    }
    kwargs.set("value", deep);
    CallOutcome out =
        pool.submit(new CallRequest(new FunctionRef("Hostile", "echo"), null, kwargs, null))
            .get(60, TimeUnit.SECONDS);
    assertThat(failed(out, FailureKind.UNREADABLE_REQUEST).message()).contains("nested");
    assertThat(ok(call(pool, "Base.add", "{\"a\":1}"))).isEqualTo("3");
    assertThat(pool.stats().crashes()).isEqualTo(crashes);
  }

  @Test
  void resultsAndExceptionsThatRefuseToBePrintedFailTheirOwnCall() throws Exception {
    long crashes = pool.stats().crashes();
    assertThat(
            failed(call(pool, "Hostile.bad_items", null), FailureKind.NOT_SERIALIZABLE).message())
        .contains("items() refuses");
    CallOutcome.Failure f = failed(call(pool, "Hostile.bad_str", null), FailureKind.RAISED);
    assertThat(f.type()).isEqualTo("Unprintable");
    assertThat(f.message()).contains("unprintable");
    assertThat(ok(call(pool, "Base.add", "{\"a\":1}"))).isEqualTo("3");
    assertThat(pool.stats().crashes()).isEqualTo(crashes);
  }

  @Test
  void aStringWithALoneSurrogateFailsAloneWithoutKillingTheWorker() throws Exception {
    long crashes = pool.stats().crashes();
    ObjectNode kwargs = JSON.createObjectNode().put("value", "a\uD800b");
    CallOutcome out =
        pool.submit(new CallRequest(new FunctionRef("Hostile", "echo"), null, kwargs, null))
            .get(60, TimeUnit.SECONDS);
    assertThat(out).isInstanceOf(CallOutcome.Failure.class);
    assertThat(ok(call(pool, "Base.add", "{\"a\":1}"))).isEqualTo("3");
    assertThat(pool.stats().crashes()).isEqualTo(crashes);
  }
}
