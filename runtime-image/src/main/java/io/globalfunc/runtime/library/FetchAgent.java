package io.globalfunc.runtime.library;

import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.runtime.RuntimeConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Fetch-agent mode ({@code GF_FETCH_AGENT=true}): the one process of a pod with Git credentials.
 * Keeps the shared bare mirror {@code GF_MIRROR_DIR} of {@code GF_REPOSITORY_URL} fresh, and
 * fetches at once on {@code POST /v1/fetch} (what a runtime asks when a caller names a ref its
 * read-only mirror lacks). Listen on loopback only ({@code QUARKUS_HTTP_HOST=127.0.0.1}).
 */
@ApplicationScoped
public class FetchAgent {

  private static final Logger LOG = Logger.getLogger(FetchAgent.class);

  private final RuntimeConfig config;
  private ScheduledExecutorService timer;
  private long lastFetchEnd;

  FetchAgent(RuntimeConfig config) {
    this.config = config;
  }

  void onStart(@Observes StartupEvent event) {
    if (!config.fetchAgent()) {
      return;
    }
    if (config.repositoryUrl().isEmpty() || config.mirrorDir().isEmpty()) {
      throw new IllegalStateException("a fetch agent needs GF_REPOSITORY_URL and GF_MIRROR_DIR");
    }
    try {
      fetch(System.nanoTime());
    } catch (RuntimeException e) {
      LOG.warnf(
          "first fetch failed (retried every %s): %s", config.fetchInterval(), e.getMessage());
    }
    timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("gf-fetch-agent"));
    long every = config.fetchInterval().toMillis();
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            fetch(System.nanoTime());
          } catch (RuntimeException e) {
            LOG.warnf("fetch failed: %s", e.getMessage());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  void register(@Observes Router router) {
    if (config.fetchAgent()) {
      router.post("/v1/fetch").handler(this::fetchNow);
    }
  }

  private void fetchNow(RoutingContext rc) {
    long asked = System.nanoTime();
    rc.vertx()
        .executeBlocking(
            () -> {
              fetch(asked);
              return true;
            },
            false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                rc.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end("{\"fetched\":true}");
              } else {
                rc.response()
                    .setStatusCode(502)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end("{\"fetched\":false}");
                LOG.warnf("fetch failed: %s", ar.cause().getMessage());
              }
            });
  }

  /** One fetch at a time; a request that waited while a later-started fetch ran takes it. */
  private synchronized void fetch(long askedNanos) {
    if (lastFetchEnd - askedNanos > 0) {
      return;
    }
    Path mirror = config.mirrorDir().get();
    new GitLibraryReader()
        .fetchInto(config.repositoryUrl().get(), mirror, ServedLibrary.credentials(config));
    lastFetchEnd = System.nanoTime();
    LOG.debugf("fetched %s into %s", GitLibraryReader.redact(config.repositoryUrl().get()), mirror);
  }
}
