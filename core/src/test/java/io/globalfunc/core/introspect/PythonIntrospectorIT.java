package io.globalfunc.core.introspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.library.DirectoryLibraryReader;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.testing.TestLibraries;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonIntrospectorIT {

  @TempDir Path tmp;

  @Test
  void readsSignaturesAndDocstringsWithoutRunningCode() {
    Map<FunctionRef, FunctionInfo> infos =
        new PythonIntrospector(System.getProperty("gf.python", "python3"))
            .describe(new DirectoryLibraryReader().read(TestLibraries.writeMisbehaving(tmp)));

    FunctionInfo its = infos.get(new FunctionRef("Base", "inverse_time_str"));
    assertThat(its.callable()).isTrue();
    assertThat(its.kind()).isEqualTo("function");
    assertThat(its.doc()).contains("时间字符串转时间戳");
    assertThat(its.signature().parameters())
        .extracting(FunctionInfo.Parameter::name, FunctionInfo.Parameter::defaultValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("time_str", "None"),
            org.assertj.core.groups.Tuple.tuple("bias_hours", "0"));

    assertThat(its.inputSchema().at("/properties/time_str/default").isNull()).isTrue();
    assertThat(its.inputSchema().at("/properties/bias_hours/default").asInt()).isZero();
    assertThat(its.inputSchema().has("required")).isFalse();
    assertThat(its.inputSchema().at("/description").asText()).contains("时间字符串转时间戳");
    assertThat(its.outputSchema()).isNull();
    assertThat(infos.get(new FunctionRef("Base", "add")).inputSchema().at("/required/0").asText())
        .isEqualTo("a");
    assertThat(
            infos
                .get(new FunctionRef("Base", "not_callable"))
                .inputSchema()
                .at("/additionalProperties")
                .asBoolean())
        .isTrue();

    assertThat(infos.get(new FunctionRef("Base", "mismatch")).callable()).isFalse();
    assertThat(infos.get(new FunctionRef("Base", "not_callable")).kind()).isEqualTo("binding");
    // module-level code that raises is not executed by introspection
    assertThat(infos.get(new FunctionRef("Bad", "import_fails")).callable()).isTrue();
    assertThat(infos.get(new FunctionRef("Bad", "syntax_error")).error()).startsWith("SyntaxError");
    assertThat(infos.get(new FunctionRef("中文包", "时间戳")).doc()).isEqualTo("返回文本长度");
  }

  @Test
  void largeLibrariesAreSplitAcrossProcessesAndKeepEveryAnswerWithItsFile() throws Exception {
    // Enough files for several Python processes; each answer must land on its own file.
    for (int i = 0; i < 1500; i++) {
      Path f = tmp.resolve("P" + (i % 7)).resolve("f" + i + ".py");
      java.nio.file.Files.createDirectories(f.getParent());
      String body =
          i % 5 == 0
              ? "f" + i + " = " + i + "\n"
              : "def f" + i + "(a" + i + "=" + i + "):\n    \"\"\"doc " + i + "\"\"\"\n";
      java.nio.file.Files.writeString(f, body);
    }
    Map<FunctionRef, FunctionInfo> infos =
        new PythonIntrospector(System.getProperty("gf.python", "python3"))
            .describe(new DirectoryLibraryReader().read(tmp));
    assertThat(infos).hasSize(1500);
    for (int i = 0; i < 1500; i++) {
      FunctionInfo info = infos.get(new FunctionRef("P" + (i % 7), "f" + i));
      if (i % 5 == 0) {
        assertThat(info.kind()).as("f%d", i).isEqualTo("binding");
        assertThat(info.signature()).isNull();
      } else {
        assertThat(info.doc()).as("f%d", i).isEqualTo("doc " + i);
        assertThat(info.signature().parameters().get(0).name()).isEqualTo("a" + i);
        assertThat(info.signature().parameters().get(0).defaultValue())
            .isEqualTo(Integer.toString(i));
      }
    }
  }
}
