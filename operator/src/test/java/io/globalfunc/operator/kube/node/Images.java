package io.globalfunc.operator.kube.node;

import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the test node runs for an image: container images are not pulled, each known image
 * repository (the part before the tag) maps to a local entrypoint, e.g. the runtime image to {@code
 * java -jar runtime-image/target/quarkus-app/quarkus-run.jar}. A container's {@code command} is
 * looked up among the image's named entrypoints; its {@code args} are appended.
 */
public final class Images {

  private final Map<String, Map<String, List<String>>> entrypoints = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
  private String otherwise;

  /** The JVM running the tests, so a jar runs on the same Java. */
  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * Maps {@code repository}'s default entrypoint to {@code java -jar jar}, with the environment our
   * Dockerfiles set for the JVM ({@code LANG=C.UTF-8}: file names such as 文本/ need it).
   */
  public Images jar(String repository, Path jar) {
    environment(repository, Map.of("LANG", "C.UTF-8", "TZ", "UTC"));
    return entrypoint(repository, "", List.of(java(), "-jar", jar.toString()));
  }

  /**
   * Runs every image this node was not told about as {@code java -jar jar} (every GlobalFunc worker
   * image is the runtime with a Python), whatever its registry and name.
   */
  public Images otherwise(Path jar) {
    otherwise = "*";
    return jar(otherwise, jar);
  }

  /** The image's own environment ({@code ENV} of its Dockerfile); the container's overrides it. */
  public Images environment(String repository, Map<String, String> env) {
    environments.computeIfAbsent(repository, r -> new LinkedHashMap<>()).putAll(env);
    return this;
  }

  /** The image environment of {@code container}'s image. */
  public Map<String, String> environment(Container container) {
    return environments.getOrDefault(known(container.getImage()), Map.of());
  }

  /** Maps {@code repository}'s entrypoint {@code command} ("" = the image default) to argv. */
  public Images entrypoint(String repository, String command, List<String> argv) {
    entrypoints.computeIfAbsent(repository, r -> new LinkedHashMap<>()).put(command, argv);
    return this;
  }

  /** The argv of {@code container}, or empty when the node does not know its image/command. */
  public Optional<List<String>> argv(Container container) {
    Map<String, List<String>> image = entrypoints.get(known(container.getImage()));
    if (image == null) {
      return Optional.empty();
    }
    List<String> command = Optional.ofNullable(container.getCommand()).orElse(List.of());
    List<String> base = image.get(command.isEmpty() ? "" : String.join(" ", command));
    if (base == null) {
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>(base);
    argv.addAll(Optional.ofNullable(container.getArgs()).orElse(List.of()));
    return Optional.of(argv);
  }

  /** The repository {@code image} runs as: its own when mapped, else the fallback (or none). */
  private String known(String image) {
    String repository = repository(image);
    return entrypoints.containsKey(repository) || otherwise == null ? repository : otherwise;
  }

  /** {@code registry:port/name:tag} without its tag (or digest). */
  static String repository(String image) {
    String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    return colon > slash ? name.substring(0, colon) : name;
  }
}
