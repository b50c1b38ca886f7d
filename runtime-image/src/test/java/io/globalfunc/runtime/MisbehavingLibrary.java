package io.globalfunc.runtime;

import io.globalfunc.core.testing.TestLibraries;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Serves {@link TestLibraries#misbehaving()} from a fresh folder, with a short timeout. */
public class MisbehavingLibrary implements QuarkusTestResourceLifecycleManager {

  /** The commit the test pretends the folder holds. */
  public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @Override
  public Map<String, String> start() {
    try {
      Path root = Files.createTempDirectory("gf-runtime-test-");
      Path lib = TestLibraries.writeMisbehaving(root.resolve("lib"));
      return Map.of(
          "gf.functions-dir",
          lib.toString(),
          "gf.work-dir",
          root.resolve("work").toString(),
          "gf.cache-dir",
          root.resolve("cache").toString(),
          "gf.timeout",
          "3s",
          "gf.python-workers",
          "2",
          // As in a pod: the folder was fetched by the init container, which names its commit.
          "gf.branch",
          "release/1.2",
          "gf.commit",
          COMMIT,
          "gf.python",
          System.getProperty("gf.python", "python3"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
