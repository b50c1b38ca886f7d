package io.globalfunc.operator.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The real control plane of a test run (etcd, kube-apiserver, kube-controller-manager on loopback,
 * started by {@code scripts/kube-control-plane.sh} from an empty etcd on free ports), started once
 * per JVM and stopped when it exits. Quarkus loads test code in several class loaders, so the JVM
 * keeps the running state folder in a system property rather than in a static field.
 */
public final class KubeControlPlane {

  /** Pod Security admission level every test namespace enforces. */
  public static final String ENFORCE = "pod-security.kubernetes.io/enforce";

  private static final String STATE_PROPERTY = "gf.kube.running-state";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(20);
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private final Path state;
  private final Path bin;
  private final Config config;

  private KubeControlPlane(Path state, Path bin) {
    this.state = state;
    this.bin = bin;
    this.config = Config.fromKubeconfig(read(state.resolve("kubeconfig")));
  }

  /** The control plane of this JVM, started on first use. */
  public static KubeControlPlane get() {
    synchronized (System.class) {
      String running = System.getProperty(STATE_PROPERTY);
      if (running == null) {
        Path state = start();
        System.setProperty(STATE_PROPERTY, state.toString());
        running = state.toString();
      }
      return new KubeControlPlane(Path.of(running), toolsBin());
    }
  }

  /**
   * A control plane that {@code scripts/kube-control-plane.sh start} already runs from {@code
   * state}; stopping it stays the script's job.
   */
  public static KubeControlPlane attach(Path state) {
    return new KubeControlPlane(state, toolsBin());
  }

  /**
   * A control plane of its own for a test that breaks it (stops its API server), in its own state
   * folder on its own free ports; the caller stops it with {@link #stopOwn}. Starting one takes
   * about 10 s once the binaries are built.
   */
  public static KubeControlPlane startOwn(String hint) {
    Path state = stateRoot().resolve(hint + "-" + ProcessHandle.current().pid()).toAbsolutePath();
    deleteTree(state);
    script(
        "start",
        Map.of(
            "GF_KUBE_STATE",
            state.toString(),
            "WATCH_PID",
            Long.toString(ProcessHandle.current().pid())),
        START_TIMEOUT);
    return new KubeControlPlane(state, toolsBin());
  }

  /** Stops a control plane from {@link #startOwn} and deletes its state. */
  public void stopOwn() {
    script("stop", Map.of("GF_KUBE_STATE", state.toString()), Duration.ofMinutes(1));
    deleteTree(state);
  }

  /**
   * Kills the API server (SIGKILL, as a crash or a lost node would; a SIGTERM makes it wait for its
   * open watches) and waits until it is gone; etcd and the controller manager keep running, so
   * every object survives.
   */
  public void killApiServer() {
    long pid = Long.parseLong(read(state.resolve("run/kube-apiserver.pid")).strip());
    ProcessHandle.of(pid)
        .ifPresent(
            p -> {
              p.destroyForcibly();
              p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
  }

  /** Starts the API server again on the same port and certificates; returns once it is ready. */
  public void startApiServer() {
    script("start", Map.of("GF_KUBE_STATE", state.toString()), Duration.ofMinutes(3));
  }

  /** The admin (system:masters) client configuration. */
  public Config config() {
    return config;
  }

  /** A new admin client; the caller closes it. */
  public KubernetesClient adminClient() {
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The admin kubeconfig file, for kubectl and helm. */
  public Path kubeconfig() {
    return state.resolve("kubeconfig");
  }

  /** The folder holding kubectl, kube-apiserver, etcd. */
  public Path bin() {
    return bin;
  }

  /** The API server's URL. */
  public String url() {
    return config.getMasterUrl();
  }

  /** The state folder: certificates (pki/), logs (logs/). */
  public Path state() {
    return state;
  }

  /**
   * A fresh namespace named after {@code hint}, enforcing Pod Security "restricted", once its
   * {@code default} ServiceAccount exists (pods are refused before that).
   */
  public String namespace(String hint) {
    String name = hint + "-" + NAMESPACES.incrementAndGet() + "-" + ProcessHandle.current().pid();
    try (KubernetesClient client = adminClient()) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .addToLabels(ENFORCE, "restricted")
                  .addToLabels("globalfunc.io/test", "true")
                  .endMetadata()
                  .build())
          .create();
      client
          .serviceAccounts()
          .inNamespace(name)
          .withName("default")
          .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
    }
    return name;
  }

  /** Runs kubectl with the admin kubeconfig; returns its exit code and output. */
  public Tool.Result kubectl(String... args) {
    return Tool.run(bin.resolve("kubectl"), kubeconfig(), List.of(args));
  }

  private static Path start() {
    Path state = stateRoot().resolve("run-" + ProcessHandle.current().pid());
    deleteTree(state);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GF_KUBE_STATE", state.toString());
    env.put("WATCH_PID", Long.toString(ProcessHandle.current().pid()));
    script("start", env, START_TIMEOUT);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  script("stop", Map.of("GF_KUBE_STATE", state.toString()), Duration.ofMinutes(1));
                  deleteTree(state);
                }));
    return state;
  }

  private static Path toolsBin() {
    String tools = System.getenv("GF_KUBE_TOOLS");
    Path root =
        tools != null
            ? Path.of(tools)
            : Path.of(System.getProperty("user.home"), ".cache", "globalfunc-kube");
    return root.resolve("bin");
  }

  private static Path stateRoot() {
    return Path.of(System.getProperty("gf.kube.state-root", "target/kube"));
  }

  private static Path scriptPath() {
    return Path.of(System.getProperty("gf.repo.root", ".."), "scripts", "kube-control-plane.sh");
  }

  private static void script(String command, Map<String, String> env, Duration timeout) {
    try {
      Path log = Files.createTempFile("gf-kube-" + command + "-", ".log");
      ProcessBuilder pb =
          new ProcessBuilder("bash", scriptPath().toString(), command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("kube-control-plane.sh " + command + " timed out");
      }
      String output = Files.readString(log);
      Files.deleteIfExists(log);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "kube-control-plane.sh " + command + " failed (" + p.exitValue() + "):\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
