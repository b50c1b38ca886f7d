package io.globalfunc.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.FailureKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Envelopes read back into the outcomes they were written from (what the batch agent relies on).
 */
class ResultEnvelopeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aResultComesBackAsTheExactBytesItWasWrittenFrom() throws IOException {
    for (String result :
        new String[] {
          "1.0", "-1.5e300", "\"\\ud800\"", "[1,{\"a\":[]}]", "null", "12345678901234567890123"
        }) {
      byte[] envelope =
          ResultEnvelope.annotate(ResultEnvelope.success(b(result)), Map.of("commit", "abc"));
      assertThat(ResultEnvelope.read(envelope))
          .isInstanceOfSatisfying(
              CallOutcome.Success.class,
              s -> assertThat(new String(s.json(), StandardCharsets.UTF_8)).isEqualTo(result));
    }
  }

  @Test
  void everyFailureKindRoundTripsWithItsException() throws IOException {
    for (FailureKind kind : FailureKind.values()) {
      CallOutcome.Failure f = new CallOutcome.Failure(kind, "ValueError", "bad x", "Traceback...");
      CallOutcome back =
          ResultEnvelope.read(ResultEnvelope.failure(Problem.body(JSON, f, "Base.f")));
      assertThat(back).isEqualTo(f);
    }
    CallOutcome.Failure bare = new CallOutcome.Failure(FailureKind.NOT_RUN, null, "retry", null);
    assertThat(ResultEnvelope.read(ResultEnvelope.failure(Problem.body(JSON, bare, "Base.f"))))
        .isEqualTo(bare);
  }

  @Test
  void aProblemThatIsNoCallsFailureIsNoOutcome() {
    byte[] internal =
        ResultEnvelope.failure(Problem.INTERNAL.body(JSON, "the runtime failed", "Base.f"));
    assertThatThrownBy(() -> ResultEnvelope.read(internal)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ResultEnvelope.read(b("[1]"))).isInstanceOf(IOException.class);
    assertThat(Problem.kindOf(Problem.UNKNOWN_FUNCTION.type())).isEqualTo(FailureKind.NOT_CALLABLE);
    assertThat(Problem.kindOf("https://example.com/x")).isNull();
  }

  @Test
  void fieldsAreEncodedInTheirOrderEachTimeAndEachCopyIsTheCallersOwn() {
    Map<String, String> ab = new java.util.LinkedHashMap<>();
    ab.put("function", "sp.Base_main.f");
    ab.put("worker", "w\"1");
    ab.put("cache", null);
    Map<String, String> ba = new java.util.LinkedHashMap<>();
    ba.put("worker", "w\"1");
    ba.put("function", "sp.Base_main.f");
    String expected = ",\"function\":\"sp.Base_main.f\",\"worker\":\"w\\\"1\"";
    byte[] first = ResultEnvelope.fields(ab);
    assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(expected);
    first[1] = 'X'; // a caller's copy: the next call is not affected
    assertThat(new String(ResultEnvelope.fields(ab), StandardCharsets.UTF_8)).isEqualTo(expected);
    // equal maps in another order are other bytes, not the last ones again
    assertThat(new String(ResultEnvelope.fields(ba), StandardCharsets.UTF_8))
        .isEqualTo(",\"worker\":\"w\\\"1\",\"function\":\"sp.Base_main.f\"");
    ab.put("worker", "w2");
    assertThat(new String(ResultEnvelope.fields(ab), StandardCharsets.UTF_8))
        .isEqualTo(",\"function\":\"sp.Base_main.f\",\"worker\":\"w2\"");
  }
}
