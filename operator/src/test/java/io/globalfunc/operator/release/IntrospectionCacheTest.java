package io.globalfunc.operator.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.library.ScanRules;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A commit's functions are introspected once; another commit or package subset is not reused. */
class IntrospectionCacheTest {

  private final List<String> asked = new ArrayList<>();

  private final Function<Library, Map<FunctionRef, FunctionInfo>> describer =
      library -> {
        asked.add(library.commit() + " " + library.functionFiles().size());
        Map<FunctionRef, FunctionInfo> out = new LinkedHashMap<>();
        for (LibraryFile f : library.functionFiles()) {
          FunctionRef ref = f.functionRef().orElseThrow();
          out.put(ref, new FunctionInfo(ref, true, "function", null, library.commit(), null));
        }
        return out;
      };

  private static Library library(String commit, String... paths) {
    List<LibraryFile> files = new ArrayList<>();
    for (String p : paths) {
      byte[] bytes =
          ("def " + p.replaceAll(".*/|\\.py", "") + "(): pass\n").getBytes(StandardCharsets.UTF_8);
      files.add(new LibraryFile(p, bytes, ScanRules.meta(p, bytes, Instant.EPOCH, ZoneOffset.UTC)));
    }
    return new Library("git@x:lib.git", "master", commit, files);
  }

  @Test
  void theSameCommitIsIntrospectedOnceInTheLibrarysOrder() {
    IntrospectionCache cache = new IntrospectionCache(4);
    Map<FunctionRef, FunctionInfo> first =
        cache.describe(library("c1", "Base/b.py", "Base/a.py"), describer);
    Map<FunctionRef, FunctionInfo> again =
        cache.describe(library("c1", "Base/b.py", "Base/a.py"), describer);

    assertThat(asked).containsExactly("c1 2");
    assertThat(again).isSameAs(first);
    assertThat(first.keySet())
        .containsExactly(new FunctionRef("Base", "a"), new FunctionRef("Base", "b"));
    assertThatThrownBy(() -> first.clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void anotherCommitOrPackageSubsetIsIntrospectedAgain() {
    IntrospectionCache cache = new IntrospectionCache(4);
    cache.describe(library("c1", "Base/a.py", "Util/m.py"), describer);
    cache.describe(library("c2", "Base/a.py", "Util/m.py"), describer);
    cache.describe(library("c1", "Base/a.py"), describer);

    assertThat(asked).containsExactly("c1 2", "c2 2", "c1 1");
  }

  @Test
  void theLeastRecentlyPolledCommitGoesFirst() {
    IntrospectionCache cache = new IntrospectionCache(2);
    cache.describe(library("c1", "Base/a.py"), describer);
    cache.describe(library("c2", "Base/a.py"), describer);
    cache.describe(library("c1", "Base/a.py"), describer); // c1 polled again: c2 is the oldest
    cache.describe(library("c3", "Base/a.py"), describer); // evicts c2
    cache.describe(library("c1", "Base/a.py"), describer);
    cache.describe(library("c2", "Base/a.py"), describer);

    assertThat(asked).containsExactly("c1 1", "c2 1", "c3 1", "c2 1");
  }

  @Test
  void aLibraryOutsideGitIsAlwaysIntrospected() {
    IntrospectionCache cache = new IntrospectionCache(4);
    cache.describe(library(null, "Base/a.py"), describer);
    cache.describe(library(null, "Base/a.py"), describer);

    assertThat(asked).containsExactly("null 1", "null 1");
  }
}
