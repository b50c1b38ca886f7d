package io.globalfunc.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package's __init__.py imports each module's own name, and only where the module has it. */
class InitPyTest {

  @TempDir Path pkg;

  @Test
  void aTopLevelDefClassAssignmentOrImportOfTheNameCounts() {
    assertThat(InitPy.defines("def add(a, b):\n    return a + b\n", "add")).isTrue();
    assertThat(InitPy.defines("async def fetch(url):\n    ...\n", "fetch")).isTrue();
    assertThat(InitPy.defines("class Point:\n    pass\n", "Point")).isTrue();
    assertThat(InitPy.defines("mean = statistics.mean\n", "mean")).isTrue();
    assertThat(InitPy.defines("limit: int = 3\n", "limit")).isTrue();
    assertThat(InitPy.defines("from statistics import mean\n", "mean")).isTrue();
    assertThat(InitPy.defines("SEP = '-'\n", "common")).isFalse();
    assertThat(InitPy.defines("def helper():\n    def add():\n        pass\n", "add")).isFalse();
    assertThat(InitPy.defines("addition = 1\nadd == 2\n", "add")).isFalse();
  }

  @Test
  void aHelperModuleWithoutItsNameIsLeftOutOfTheInit() throws Exception {
    Files.writeString(pkg.resolve("lower.py"), "def lower(s):\n    return s.lower()\n");
    Files.writeString(pkg.resolve("common.py"), "SEP = '-'\n");
    Files.writeString(pkg.resolve("_util.py"), "def slug(s):\n    return s\n");
    assertThat(InitPy.render(pkg)).isEqualTo("from .lower import lower\n");
  }
}
