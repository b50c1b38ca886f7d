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

  @Override
  public Map<String, String> start() {
    try {
      Path root = Files.createTempDirectory("gf-runtime-test-");
      Path lib = TestLibraries.writeMisbehaving(root.resolve("lib"));
      return Map.of(
          "gf.functions-dir", lib.toString(),
          "gf.work-dir", root.resolve("work").toString(),
          "gf.cache-dir", root.resolve("cache").toString(),
          "gf.timeout", "3s",
          "gf.python-workers", "2",
          "gf.python", System.getProperty("gf.python", "python3"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
