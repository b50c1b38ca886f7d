package io.globalfunc.core.introspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.library.DirectoryLibraryReader;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.testing.TestLibraries;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonIntrospectorTest {

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

    assertThat(infos.get(new FunctionRef("Base", "mismatch")).callable()).isFalse();
    assertThat(infos.get(new FunctionRef("Base", "not_callable")).kind()).isEqualTo("binding");
    // module-level code that raises is not executed by introspection
    assertThat(infos.get(new FunctionRef("Bad", "import_fails")).callable()).isTrue();
    assertThat(infos.get(new FunctionRef("Bad", "syntax_error")).error()).startsWith("SyntaxError");
    assertThat(infos.get(new FunctionRef("中文包", "时间戳")).doc()).isEqualTo("返回文本长度");
  }
}
