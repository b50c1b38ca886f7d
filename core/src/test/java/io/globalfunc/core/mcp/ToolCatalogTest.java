package io.globalfunc.core.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.naming.ToolName;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToolCatalogTest {

  /** 2 + 18 CJK characters: 2 x 7 + 1 + 18 x 7 = 141 characters of tool name. */
  private static final FunctionRef LONG = new FunctionRef("文本", "一二三四五六七八九十一二三四五六七八");

  private static ToolCatalog.Entry entry(FunctionRef ref) {
    return entry(ref, "doc");
  }

  private static ToolCatalog.Entry entry(FunctionRef ref, String doc) {
    FunctionInfo info = new FunctionInfo(ref, true, "function", null, doc, null);
    FunctionName name = ref.at(FunctionName.DEFAULT_SPACE, "master");
    return new ToolCatalog.Entry(ref, name, info, ref.path(), "def f(): pass\n", "h", "c");
  }

  @Test
  void aFunctionWhoseToolNameIsTooLongIsLeftOutAndListed() {
    FunctionRef shortOne = new FunctionRef("Base", "add");
    assertThat(ToolName.of(LONG)).hasSizeGreaterThan(ToolName.MAX_LENGTH);
    try (ToolCatalog c = ToolCatalog.of(List.of(entry(shortOne), entry(LONG)), Set.of())) {
      assertThat(c.entries()).extracting(ToolCatalog.Entry::ref).containsExactly(shortOne);
      assertThat(c.tooLong()).containsExactly(LONG);
      assertThat(c.leftOut()).isEqualTo(" (1 left out: tool name over 128 characters)");
      assertThat(ToolCatalog.tooLongWarning(LONG))
          .startsWith(LONG.callName() + " is not exposed over MCP: its tool name would be 141");
    }
  }

  @Test
  void onlyExposedPackagesCountAndNothingLeftOutSaysNothing() {
    try (ToolCatalog c =
        ToolCatalog.of(
            List.of(entry(new FunctionRef("Base", "add")), entry(LONG)), Set.of("Base"))) {
      assertThat(c.entries()).hasSize(1);
      assertThat(c.tooLong()).isEmpty();
      assertThat(c.leftOut()).isEmpty();
    }
  }

  @Test
  void aCatalogFollowingAnotherSearchesWhatTheNewCommitHolds() {
    FunctionRef kept = new FunctionRef("Base", "kept");
    FunctionRef changed = new FunctionRef("Base", "changed");
    FunctionRef removed = new FunctionRef("Old", "removed");
    FunctionRef added = new FunctionRef("New", "added");
    ToolCatalog first =
        ToolCatalog.of(
            List.of(
                entry(kept, "Steady lighthouse."),
                entry(changed, "Parses timestamps."),
                entry(removed, "Farewell letters.")),
            Set.of());
    ToolCatalog second =
        ToolCatalog.of(
            List.of(
                entry(kept, "Steady lighthouse."),
                entry(changed, "Counts zebras."),
                entry(added, "Greeting cards.")),
            Set.of(),
            first);
    assertThat(names(second, "lighthouse")).containsExactly("Base.kept");
    assertThat(names(second, "zebras")).containsExactly("Base.changed");
    assertThat(names(second, "timestamps")).isEmpty();
    assertThat(names(second, "greeting")).containsExactly("New.added");
    assertThat(names(second, "farewell")).isEmpty();
    assertThat(second.find("Old.removed")).isNull();
    assertThat(second.entries()).hasSize(3);
    second.close();
  }

  private static List<String> names(ToolCatalog c, String query) {
    List<String> out = new java.util.ArrayList<>();
    c.search(query, 10).forEach(n -> out.add(n.get("name").asText()));
    return out;
  }
}
