package io.globalfunc.core.versions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RefPolicyTest {

  @Test
  void defaultIsTheReleaseBranchOnly() {
    RefPolicy p = RefPolicy.parse(null, "master");
    assertThat(p.matches("master")).isTrue();
    assertThat(p.matches("dev")).isFalse();
    assertThat(p.matches("master2")).isFalse();
    assertThat(p.anyRef()).isFalse();
    assertThat(RefPolicy.parse("  ", "main").globs()).containsExactly("main");
  }

  @Test
  void globsMatchWholeNames() {
    RefPolicy p = RefPolicy.parse("dev, exp-*,v?.*", "master");
    assertThat(p.matches("dev")).isTrue();
    assertThat(p.matches("exp-1")).isTrue();
    assertThat(p.matches("exp-a/b")).isTrue();
    assertThat(p.matches("v1.2")).isTrue();
    assertThat(p.matches("v10.2")).isFalse();
    assertThat(p.matches("master")).isFalse(); // given patterns replace the default
    assertThat(p.matches("xdev")).isFalse();
    assertThat(RefPolicy.parse("release/1.+", "m").matches("release/1.+")).isTrue();
    assertThat(RefPolicy.parse("release/1.+", "m").matches("release/11")).isFalse();
  }

  @Test
  void starAloneIsAnyRef() {
    assertThat(RefPolicy.parse("*", "master").anyRef()).isTrue();
    assertThat(RefPolicy.parse("exp-*", "master").anyRef()).isFalse();
  }
}
