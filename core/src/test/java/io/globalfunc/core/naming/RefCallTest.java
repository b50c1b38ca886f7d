package io.globalfunc.core.naming;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RefCallTest {

  @Test
  void splitsPackageRefAndFunction() {
    assertThat(FunctionName.RefCall.parseOrNull("Base@dev.add"))
        .isEqualTo(new FunctionName.RefCall("Base.add", "dev"));
    assertThat(FunctionName.RefCall.parseOrNull("Base@v1.2.add"))
        .isEqualTo(new FunctionName.RefCall("Base.add", "v1.2"));
    assertThat(FunctionName.RefCall.parseOrNull("Base@release/1.2.add"))
        .isEqualTo(new FunctionName.RefCall("Base.add", "release/1.2"));
    assertThat(FunctionName.RefCall.parseOrNull("Base.add"))
        .isEqualTo(new FunctionName.RefCall("Base.add", null));
    assertThat(FunctionName.RefCall.parseOrNull("文本@实验.字数统计").packFunc()).isEqualTo("文本.字数统计");
  }

  @Test
  void spelledRoundTrips() {
    for (String s : new String[] {"Base@dev.add", "Base@v1.2.add", "Base.add", "B@a1b2c3d.f"}) {
      assertThat(FunctionName.RefCall.parseOrNull(s).spelled()).isEqualTo(s);
    }
  }

  @Test
  void invalidRefsAreRefused() {
    for (String s : new String[] {"Base@.add", "Base@a..b.add", "Base@a b.add", "Base@x~1.add"}) {
      assertThat(FunctionName.RefCall.parseOrNull(s)).as(s).isNull();
    }
    assertThat(FunctionName.RefCall.parseOrNull("Base@dev")).isNull();
    assertThat(FunctionName.isRefName("@")).isFalse();
    assertThat(FunctionName.isRefName("feat_x")).isTrue();
    assertThat(FunctionName.isRefName("a.lock")).isFalse();
  }

  @Test
  void aRefIsTier2OfTheNameOfWhatAnswered() {
    assertThat(FunctionName.of("sp_GlobalFunc", "Base", "dev", "add").fullName())
        .isEqualTo("sp_GlobalFunc.Base_dev.add");
    assertThat(FunctionName.of("sp_GlobalFunc", "Base", "v1.2", "add").fullName())
        .isEqualTo("sp_GlobalFunc.Base_v1~2E2.add");
  }

  @Test
  void memoKeysFollowTheFileHashAndArguments() {
    String h = "0123456789abcdef0123456789abcdef";
    String k = MemoKeys.result("sp_GlobalFunc", h, "{\"args\":[],\"kwargs\":{\"x\":7}}");
    assertThat(k).startsWith("sp_GlobalFunc.~memo." + h + ":").hasSize(20 + 32 + 1 + 64);
    assertThat(MemoKeys.result("sp_GlobalFunc", h, "{\"args\":[7],\"kwargs\":{}}")).isNotEqualTo(k);
  }
}
