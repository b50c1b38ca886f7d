package io.globalfunc.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.FailureKind;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The one error contract: problem types, their statuses, and which failures are retried. */
class ProblemTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyProblemHasItsOwnStableType() {
    assertThat(Arrays.stream(Problem.values()).map(Problem::type))
        .doesNotHaveDuplicates()
        .allMatch(t -> t.startsWith(Problem.TYPE_BASE));
    assertThat(Problem.INVALID_REQUEST.body(JSON, "line 3: not JSON", null).toString())
        .isEqualTo(
            "{\"type\":\"https://globalfunc.io/problems/invalid-request\","
                + "\"title\":\"The request is not of the expected shape\","
                + "\"status\":400,\"detail\":\"line 3: not JSON\"}");
  }

  @Test
  void everyFailureKindHasAProblemAndOnlyTransientOnesAskForARetry() {
    for (FailureKind kind : FailureKind.values()) {
      Problem p = Problem.of(kind);
      assertThat(p.status()).isBetween(400, 599);
    }
    assertThat(Problem.of(FailureKind.OVERLOADED).retryAfterSeconds()).isEqualTo(1);
    assertThat(Problem.of(FailureKind.RAISED).retryAfterSeconds()).isNull();
  }

  @Test
  void retryableFailuresSayNothingAboutTheCall() {
    EnumSet<FailureKind> retryable = EnumSet.noneOf(FailureKind.class);
    for (FailureKind kind : FailureKind.values()) {
      if (kind.retryable()) {
        retryable.add(kind);
      }
    }
    assertThat(retryable)
        .containsExactlyInAnyOrder(
            FailureKind.WORKER_CRASHED,
            FailureKind.NOT_RUN,
            FailureKind.OVERLOADED,
            FailureKind.UNAVAILABLE);
    assertThat(FailureKind.OVERLOADED.neverRan()).isTrue();
    assertThat(FailureKind.UNAVAILABLE.neverRan()).isTrue();
    assertThat(FailureKind.NOT_RUN.neverRan()).isTrue();
    assertThat(FailureKind.WORKER_CRASHED.neverRan()).isFalse();
  }

  @Test
  void aRaisedCallCarriesItsPythonException() {
    var body =
        Problem.body(
            JSON,
            new CallOutcome.Failure(FailureKind.RAISED, "ValueError", "bad", "Traceback..."),
            "Base.f");
    assertThat(body.get("status").asInt()).isEqualTo(500);
    assertThat(body.get("function").asText()).isEqualTo("Base.f");
    assertThat(body.get("exception").get("type").asText()).isEqualTo("ValueError");
    assertThat(body.get("exception").get("traceback").asText()).isEqualTo("Traceback...");
  }
}
