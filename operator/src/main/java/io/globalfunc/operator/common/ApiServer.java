package io.globalfunc.operator.common;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Whether the Kubernetes API server answers: asked at start (waiting a bounded time), then every
 * {@code gf.operator.api-server.check-interval}. One log line when it goes away and one when it is
 * back, never one per failed request; reconcilers ask {@link #reachable()} so an outage pauses
 * their Kubernetes writes instead of failing (and logging) every reconcile. The check is a GET of
 * {@code /readyz} (allowed to every account by the default {@code system:public-info-viewer} role)
 * on a client without fabric8's request retries, so it answers within its timeout.
 */
@ApplicationScoped
public class ApiServer {

  private static final Logger LOG = Logger.getLogger(ApiServer.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** What the last check found: reachable or not, since when, and why not. */
  public record State(boolean reachable, Instant since, String problem) {}

  @Inject KubernetesClient client;

  @ConfigProperty(name = "gf.operator.api-server.check-interval", defaultValue = "5s")
  Duration interval;

  /** How long a starting operator waits for the API server before it exits (non-zero). */
  @ConfigProperty(name = "gf.operator.api-server.startup-wait", defaultValue = "60s")
  Duration startupWait;

  /** Null until the first check. */
  private final AtomicReference<State> state = new AtomicReference<>();

  private volatile Runnable onBack = () -> {};
  private KubernetesClient probe;
  private ScheduledExecutorService checks;

  /** The API server's URL, for messages. */
  public String url() {
    return client.getConfiguration().getMasterUrl();
  }

  /** How long a starting operator waits for the server. */
  public Duration startupWait() {
    return startupWait;
  }

  /** True when the last check got an answer below 500. */
  public boolean reachable() {
    State now = state.get();
    return now != null && now.reachable();
  }

  /** The last check's outcome, empty before the first. */
  public Optional<State> state() {
    return Optional.ofNullable(state.get());
  }

  /**
   * Checks until the server answers or {@link #startupWait} passed; says once that it waits (and
   * {@link #check} once that it answers). Returns whether it answered.
   */
  public boolean awaitAtStart() throws InterruptedException {
    long deadline = System.nanoTime() + startupWait.toNanos();
    boolean said = false;
    while (!check()) {
      if (!said) {
        LOG.warnf(
            "waiting up to %d s for the Kubernetes API server %s: %s",
            startupWait.toSeconds(), url(), state.get().problem());
        said = true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(Math.min(1000, interval.toMillis()));
    }
    return true;
  }

  /** Starts the periodic check; {@code back} runs each time the server answers again. */
  public synchronized void watch(Runnable back) {
    onBack = back;
    if (checks == null) {
      checks =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "gf-api-server-check");
                t.setDaemon(true);
                return t;
              });
      checks.scheduleWithFixedDelay(
          this::checkSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @PreDestroy
  synchronized void stop() {
    if (checks != null) {
      checks.shutdownNow();
    }
    if (probe != null) {
      probe.close();
    }
  }

  /**
   * True when {@code e} is (or wraps) a Kubernetes client failure saying the server could not be
   * reached at all (a refused or timed-out connection, a server error), rather than that it refused
   * the request. Other I/O failures (Git, Python) are not the API server's.
   */
  public static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        if (k.getCode() >= 500) {
          return true;
        }
        for (Throwable c = k.getCause(); c != null; c = c.getCause()) {
          if (c instanceof IOException) {
            return true;
          }
        }
        return false;
      }
    }
    return false;
  }

  private void checkSafely() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.debugf("API server check failed: %s", e);
    }
  }

  /** Asks the server now (at most the check's timeout), rather than trusting the last check. */
  public boolean answersNow() {
    return check();
  }

  /** One check; logs a change of state (the first check is {@link #awaitAtStart}'s to tell). */
  private synchronized boolean check() {
    Optional<String> problem = ask();
    boolean now = problem.isEmpty();
    State before = state.get();
    if (before != null && before.reachable() == now) {
      return now;
    }
    State next = new State(now, Instant.now(), problem.orElse(null));
    state.set(next);
    if (before == null) {
      return now;
    }
    if (!now) {
      LOG.warnf(
          "Kubernetes API server %s unreachable: %s; reconciling paused, worker endpoints kept"
              + " registered from the last known pods",
          url(), next.problem());
    } else {
      LOG.infof(
          "Kubernetes API server %s answers again after %d s",
          url(), Duration.between(before.since(), next.since()).toSeconds());
      onBack.run();
    }
    return now;
  }

  /** Empty when the server answered /readyz below 500, else what went wrong, in one line. */
  private Optional<String> ask() {
    try {
      probeClient().raw("/readyz");
      return Optional.empty();
    } catch (KubernetesClientException e) {
      if (e.getCode() > 0 && e.getCode() < 500) {
        return Optional.empty(); // it answered: refusing this request is not unreachable
      }
      return Optional.of(oneLine(e));
    } catch (RuntimeException e) {
      return Optional.of(oneLine(e));
    }
  }

  private synchronized KubernetesClient probeClient() {
    if (probe == null) {
      probe =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder(client.getConfiguration())
                      .withRequestRetryBackoffLimit(0)
                      .withConnectionTimeout((int) TIMEOUT.toMillis())
                      .withRequestTimeout((int) TIMEOUT.toMillis())
                      .build())
              .build();
    }
    return probe;
  }

  /** The innermost cause's message: "Connection refused", not a chain of wrappers. */
  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.replaceAll("\\s+", " ").strip();
  }
}
