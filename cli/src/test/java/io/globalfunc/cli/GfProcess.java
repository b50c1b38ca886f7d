package io.globalfunc.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code gf} as a separate process, as a user would. */
final class GfProcess {

  /** What one run printed and returned. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Map<String, String> env = new HashMap<>();

  GfProcess(Path home) {
    env.put("GF_HOME", home.toString());
  }

  GfProcess env(String key, String value) {
    env.put(key, value);
    return this;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("gf.jar", "target/gf.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("gf.jar not built at " + jar + " (run mvn verify)");
    }
    return jar;
  }

  Result run(Path cwd, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    return exec(cwd, cmd);
  }

  /** Starts gf in the background, its output going to {@code log}. */
  Process start(Path cwd, Path log, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    try {
      return builder(cwd, cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ProcessBuilder builder(Path cwd, List<String> cmd) {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("GF_"));
    pb.environment().put("LC_ALL", "C.UTF-8");
    pb.environment().put("TZ", "UTC");
    pb.environment().put("GF_PYTHON", System.getProperty("gf.python", "python3"));
    // bin/gf runs without a daemon in tests but GfDaemonIT's (their own GF_DAEMON_DIR).
    pb.environment().put("GF_DAEMON", "0");
    pb.environment().putAll(env);
    return pb;
  }

  Result exec(Path cwd, List<String> cmd) {
    ProcessBuilder pb = builder(cwd, cmd);
    try {
      Path out = Files.createTempFile("gf-out", ".txt");
      Path err = Files.createTempFile("gf-err", ".txt");
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("gf " + cmd + " did not finish");
      }
      Result r =
          new Result(
              p.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
