package io.globalfunc.operator.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool (kubectl, helm) against a kubeconfig and captures what it printed. */
public final class Tool {

  /** What a tool run printed (stdout and stderr merged) and its exit code. */
  public record Result(int exitCode, String output) {

    /** The output, or an error carrying it when the tool failed. */
    public String ok() {
      if (exitCode != 0) {
        throw new IllegalStateException("exit " + exitCode + ": " + output);
      }
      return output;
    }
  }

  private Tool() {}

  /** Runs {@code binary args} with {@code KUBECONFIG=kubeconfig}, for at most two minutes. */
  public static Result run(Path binary, Path kubeconfig, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " timed out");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
