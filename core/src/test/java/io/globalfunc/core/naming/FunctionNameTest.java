package io.globalfunc.core.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FunctionNameTest {

  @Test
  void seedNameIsUnchanged() {
    FunctionName name = FunctionName.of("sp_GlobalFunc", "Base", "master", "inverse_time_str");
    assertThat(name.fullName()).isEqualTo("sp_GlobalFunc.Base_master.inverse_time_str");
    assertThat(name.mongoDatabase()).isEqualTo("sp_GlobalFunc");
    assertThat(name.mongoCollection()).isEqualTo("Base_master");
    assertThat(name.mongoId()).isEqualTo("inverse_time_str");
    assertThat(FunctionName.parse(name.fullName())).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"release/1.2", "feat_x", "master", "a-b", "功能/时间", "x+y@z", "v1.0_rc-2/中"})
  void branchesRoundTrip(String branch) {
    FunctionName name = FunctionName.of("sp_GlobalFunc", "debug_pys", branch, "d010_参数化调用");
    String full = name.fullName();
    assertThat(full.split("\\.")).hasSize(3);
    assertThat(name.tier2()).doesNotContain(".");
    assertThat(FunctionName.parse(full)).isEqualTo(name);
  }

  @Test
  void escapedFormsAreDocumented() {
    assertThat(FunctionName.escapeBranch("release/1.2")).isEqualTo("release~2F1~2E2");
    assertThat(FunctionName.escapeBranch("feat_x")).isEqualTo("feat~5Fx");
    assertThat(FunctionName.PackageBranch.parse("Base_feat~5Fx"))
        .isEqualTo(FunctionName.PackageBranch.of("Base", "feat_x"));
  }

  @Test
  void packageWithUnderscoreSplitsAtTheBranch() {
    FunctionName.PackageBranch pb = FunctionName.PackageBranch.parse("debug_pys_master");
    assertThat(pb.pkg()).isEqualTo("debug_pys");
    assertThat(pb.branch()).isEqualTo("master");
  }

  @Test
  void rejectsWhatCannotBeAName() {
    assertThatThrownBy(() -> FunctionName.parse("sp.Base_master"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FunctionName.of("sp x", "Base", "master", "f"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FunctionName.of("sp", "Ba-se", "master", "f"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FunctionName.of("sp", "Base", "master", "a.b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FunctionName.parse("sp.Base_feat~5.f"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
