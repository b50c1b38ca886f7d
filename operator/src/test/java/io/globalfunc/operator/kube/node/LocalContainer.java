package io.globalfunc.operator.kube.node;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One container of a local pod: its process (restarted in place, as a kubelet restarts a crashed
 * container), its probes and the state it reports. Not thread-safe: its pod's thread drives it.
 */
final class LocalContainer {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final Container spec;
  private Process process;
  private Instant startedAt;
  private ContainerState state =
      new ContainerStateBuilder()
          .withNewWaiting()
          .withReason("ContainerCreating")
          .endWaiting()
          .build();
  private ContainerState lastState;
  private int restarts;
  private boolean started;
  private boolean ready;
  private Instant restartAt;
  private final ProbeTrack startup;
  private final ProbeTrack readiness;
  private final ProbeTrack liveness;

  LocalContainer(Container spec) {
    this.spec = spec;
    this.startup = new ProbeTrack(spec.getStartupProbe());
    this.readiness = new ProbeTrack(spec.getReadinessProbe());
    this.liveness = new ProbeTrack(spec.getLivenessProbe());
  }

  /** Starts (or restarts) the process; output appended to {@code log}. */
  void start(List<String> argv, Map<String, String> env, Path cwd, Path log) {
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().clear();
    pb.environment().putAll(env);
    try {
      process = pb.start();
    } catch (IOException e) {
      waiting("RunContainerError", e.getMessage());
      return;
    }
    startedAt = Instant.now();
    started = spec.getStartupProbe() == null;
    ready = false;
    restartAt = null;
    startup.reset(startedAt);
    readiness.reset(startedAt);
    liveness.reset(startedAt);
    state =
        new ContainerStateBuilder()
            .withNewRunning()
            .withStartedAt(startedAt.toString())
            .endRunning()
            .build();
  }

  /** A container the node cannot run (unknown image): stays waiting with a reason. */
  void waiting(String reason, String message) {
    state =
        new ContainerStateBuilder()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .build();
  }

  boolean running() {
    return process != null && process.isAlive();
  }

  /** Records an exit once; returns the exit code, or null while running or already recorded. */
  Integer reapExit() {
    if (process == null || process.isAlive() || state.getTerminated() != null) {
      return null;
    }
    int code = process.exitValue();
    state =
        new ContainerStateBuilder()
            .withNewTerminated()
            .withExitCode(code)
            .withReason(code == 0 ? "Completed" : "Error")
            .withStartedAt(startedAt.toString())
            .withFinishedAt(Instant.now().toString())
            .endTerminated()
            .build();
    ready = false;
    return code;
  }

  /** Schedules a restart with the kubelet's doubling back-off (1 s here, capped at 10 s). */
  void scheduleRestart() {
    long delay = Math.min(10, 1L << Math.min(restarts, 4));
    restartAt = Instant.now().plusSeconds(delay);
    lastState = state;
  }

  boolean restartDue() {
    return restartAt != null && !Instant.now().isBefore(restartAt);
  }

  void countRestart() {
    restarts++;
  }

  /** Runs the probes that are due against {@code ip}; returns true to restart (liveness). */
  boolean probe(String ip) {
    if (!running()) {
      return false;
    }
    Instant now = Instant.now();
    if (!started) {
      ProbeTrack.Outcome o = startup.run(now, () -> check(spec.getStartupProbe(), ip));
      started = o == ProbeTrack.Outcome.PASSED;
      return o == ProbeTrack.Outcome.FAILED;
    }
    if (spec.getReadinessProbe() == null) {
      ready = true;
    } else {
      ProbeTrack.Outcome o = readiness.run(now, () -> check(spec.getReadinessProbe(), ip));
      if (o != ProbeTrack.Outcome.PENDING) {
        ready = o == ProbeTrack.Outcome.PASSED;
      }
    }
    return liveness.run(now, () -> check(spec.getLivenessProbe(), ip)) == ProbeTrack.Outcome.FAILED;
  }

  boolean ready() {
    return ready && running();
  }

  boolean terminated() {
    return state.getTerminated() != null;
  }

  Integer exitCode() {
    return state.getTerminated() == null ? null : state.getTerminated().getExitCode();
  }

  /** SIGTERM, up to {@code grace} for the process to exit, then SIGKILL of it and its children. */
  void stop(Duration grace) {
    if (process == null) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    reapExit();
  }

  /** The pid of the running process (for tests that inspect it). */
  long pid() {
    return process == null ? -1 : process.pid();
  }

  ContainerStatus status() {
    return new ContainerStatusBuilder()
        .withName(spec.getName())
        .withImage(spec.getImage())
        .withImageID("local://" + spec.getImage())
        .withContainerID(process == null ? null : "local://" + process.pid())
        .withState(state)
        .withLastState(lastState == null ? new ContainerState() : lastState)
        .withReady(ready())
        .withStarted(running() && started)
        .withRestartCount(restarts)
        .build();
  }

  private boolean check(Probe probe, String ip) {
    int port = port(probe);
    try {
      if (probe.getHttpGet() != null) {
        String path = probe.getHttpGet().getPath() == null ? "/" : probe.getHttpGet().getPath();
        HttpRequest request =
            HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + path))
                .timeout(Duration.ofSeconds(timeout(probe)))
                .build();
        int code = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        return code >= 200 && code < 400;
      }
      if (probe.getTcpSocket() != null) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(ip, port), timeout(probe) * 1000);
          return true;
        }
      }
      return false; // exec and gRPC probes: not supported by the test node, so never passing
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private int port(Probe probe) {
    var port =
        probe.getHttpGet() != null ? probe.getHttpGet().getPort() : probe.getTcpSocket().getPort();
    if (port.getStrVal() == null) {
      return port.getIntVal();
    }
    return spec.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new UncheckedIOException(new IOException("no port " + port)))
        .getContainerPort();
  }

  private static int timeout(Probe probe) {
    return probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds();
  }
}
