package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.testing.TestLibraries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package's {@code __init__.py} (as {@code gf init} writes it) does not tie its functions' fates
 * together: one function's missing module fails only that function, naming the module and the
 * function, while its package-mates (and their imports of each other) still work.
 */
class PackageIsolationIT {

  @TempDir Path tmp;

  @Test
  void oneMissingModuleFailsOnlyTheFunctionThatNeedsIt() throws Exception {
    Path lib =
        TestLibraries.write(
            tmp.resolve("lib"),
            Map.of(
                "Pkg/__init__.py",
                "from .fine import fine\nfrom .heavy import heavy\nfrom .user import user\n",
                "Pkg/fine.py",
                "def fine():\n    return 1\n",
                "Pkg/heavy.py",
                "import numpy_not_installed_here\n\n\ndef heavy():\n    return 2\n",
                "Pkg/user.py",
                "from Pkg import fine\nfrom . import _util\n\n\ndef user():\n"
                    + "    return fine() + _util.K\n",
                "Pkg/_util.py",
                "K = 10\n"));
    try (WorkerPool pool =
        WorkerPool.start(
            PoolConfig.defaults(lib)
                .withPython(System.getProperty("gf.python", "python3"))
                .withWorkDir(tmp.resolve("work"))
                .withWorkers(1)
                .withDefaultTimeout(Duration.ofSeconds(30)))) {
      assertThat(ok(call(pool, "heavy"), false)).isNull();
      CallOutcome.Failure f = (CallOutcome.Failure) call(pool, "heavy");
      assertThat(f.kind()).isEqualTo(FailureKind.RAISED);
      assertThat(f.type()).isEqualTo("ModuleNotFoundError");
      assertThat(f.message())
          .contains("Pkg.heavy")
          .contains("'numpy_not_installed_here'")
          .contains("not installed");
      assertThat(ok(call(pool, "fine"), true)).isEqualTo("1");
      assertThat(ok(call(pool, "user"), true)).isEqualTo("11");
    }
  }

  private static CallOutcome call(WorkerPool pool, String fn) throws Exception {
    return pool.submit(new CallRequest(new FunctionRef("Pkg", fn), null, null, null))
        .get(60, TimeUnit.SECONDS);
  }

  private static String ok(CallOutcome outcome, boolean expectSuccess) {
    assertThat(outcome instanceof CallOutcome.Success)
        .as(outcome.toString())
        .isEqualTo(expectSuccess);
    return outcome instanceof CallOutcome.Success s
        ? new String(s.json(), StandardCharsets.UTF_8)
        : null;
  }
}
