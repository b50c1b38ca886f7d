package io.globalfunc.core.naming;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.library.FunctionRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ToolNameTest {

  @Test
  void asciiNamesReadAsTheyAre() {
    FunctionRef ref = new FunctionRef("Base", "inverse_time_str");
    assertThat(ToolName.of(ref)).isEqualTo("Base-inverse_time_str");
    assertThat(ToolName.parseOrNull("Base-inverse_time_str")).isEqualTo(ref);
  }

  @Test
  void chineseNamesAreEscapedValidAndReversible() {
    FunctionRef ref = new FunctionRef("文本", "字数统计");
    String tool = ToolName.of(ref);
    assertThat(tool).isEqualTo("-006587-00672c--005b57-006570-007edf-008ba1");
    assertThat(ToolName.VALID.matcher(tool).matches()).isTrue();
    assertThat(ToolName.parseOrNull(tool)).isEqualTo(ref);
  }

  @Test
  void everyShapeOfIdentifierRoundTrips() {
    for (FunctionRef ref :
        List.of(
            new FunctionRef("a", "b"),
            new FunctionRef("P2", "f__x_1"),
            new FunctionRef("中文包", "x"),
            new FunctionRef("x", "时间戳"),
            new FunctionRef("mixé", "ñ_2"),
            new FunctionRef("𝔘nicode", "f"))) {
      String tool = ToolName.of(ref);
      assertThat(ToolName.VALID.matcher(tool).matches()).as(tool).isTrue();
      assertThat(ToolName.parseOrNull(tool)).as(tool).isEqualTo(ref);
    }
  }

  @Test
  void textThisClassDidNotWriteIsNoToolName() {
    assertThat(ToolName.parseOrNull("Base.inverse_time_str")).isNull();
    assertThat(ToolName.parseOrNull("Base")).isNull();
    assertThat(ToolName.parseOrNull("a-b-c")).isNull();
    assertThat(ToolName.parseOrNull("a-b-00004")).isNull(); // truncated escape
    assertThat(ToolName.parseOrNull("a-b-000041")).isNull(); // 'A' is never escaped
    assertThat(ToolName.parseOrNull("a-_private")).isNull();
    assertThat(ToolName.parseOrNull("")).isNull();
    assertThat(ToolName.parseOrNull(null)).isNull();
  }
}
