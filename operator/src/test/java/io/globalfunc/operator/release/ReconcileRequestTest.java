package io.globalfunc.operator.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What reconciles a release: a new generation, a new request, a deletion; not a status write. */
class ReconcileRequestTest {

  private static FunctionRelease release(long generation, String requested, String deleted) {
    FunctionRelease r = new FunctionRelease();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName("lib")
            .withGeneration(generation)
            .withAnnotations(
                requested == null ? Map.of() : Map.of(ReconcileRequest.ANNOTATION, requested))
            .withDeletionTimestamp(deleted)
            .build());
    return r;
  }

  @Test
  void onlyWhatNeedsAFetchGetsThrough() {
    ReconcileRequest filter = new ReconcileRequest();
    FunctionRelease base = release(3, "t1", null);
    FunctionRelease statusWrite = release(3, "t1", null);
    statusWrite.setStatus(new FunctionReleaseStatus());
    assertThat(filter.accept(statusWrite, base)).as("the operator's own status write").isFalse();
    assertThat(filter.accept(release(4, "t1", null), base)).as("a spec change").isTrue();
    assertThat(filter.accept(release(3, "t2", null), base)).as("a new request").isTrue();
    assertThat(filter.accept(release(3, "t1", null), release(3, null, null))).isTrue();
    assertThat(filter.accept(release(3, "t1", "2026-11-28T00:00:00Z"), base))
        .as("a deletion")
        .isTrue();
    assertThat(ReconcileRequest.requested(base)).isEqualTo("t1");
    assertThat(ReconcileRequest.requested(release(1, null, null))).isNull();
  }
}
