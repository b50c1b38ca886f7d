package io.globalfunc.operator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * examples/release.yaml and examples/worker.yaml as the end-to-end tests apply them: the release
 * pointed at a local Git repository, the worker leaner for a 2-core machine. A replacement that no
 * longer matches the example fails loudly instead of applying the example unchanged.
 */
public final class ExampleManifests {

  private ExampleManifests() {}

  /** The example release, its repository {@code gitUrl}. */
  public static String release(String gitUrl) {
    return replaced(
        read("examples/release.yaml"), "https://git.example.com/andy/GlobalFunc.git", gitUrl);
  }

  /** The example release, its repository {@code gitUrl}, polled every {@code poll}. */
  public static String release(String gitUrl, String poll) {
    return replaced(release(gitUrl), "pollInterval: 5m", "pollInterval: " + poll);
  }

  /** The example worker with {@code pythonWorkers} Python workers per pod. */
  public static String worker(int pythonWorkers) {
    return replaced(
        read("examples/worker.yaml"), "pythonWorkers: 4", "pythonWorkers: " + pythonWorkers);
  }

  /** The example worker with {@code pythonWorkers} Python workers in each of {@code replicas}. */
  public static String worker(int pythonWorkers, int replicas) {
    return replaced(worker(pythonWorkers), "replicas: 3", "replicas: " + replicas);
  }

  private static String read(String path) {
    try {
      return Files.readString(RepoFiles.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String replaced(String yaml, String from, String to) {
    if (!yaml.contains(from)) {
      throw new IllegalStateException("the example no longer holds '" + from + "'");
    }
    return yaml.replace(from, to);
  }
}
