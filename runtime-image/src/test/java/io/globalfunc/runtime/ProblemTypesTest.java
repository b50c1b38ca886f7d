package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.error.Problem;
import io.globalfunc.core.worker.FailureKind;
import org.junit.jupiter.api.Test;

class ProblemTypesTest {

  @Test
  void gfMcpSpellsTheSameProblemTypesAsTheRuntime() {
    for (FailureKind kind : FailureKind.values()) {
      assertThat(kind.problemType()).as(kind.name()).isEqualTo(Problem.of(kind).type());
    }
  }
}
