package io.globalfunc.runtime;

import io.globalfunc.core.worker.PoolStats;
import io.globalfunc.core.worker.WorkerPool;
import io.globalfunc.runtime.library.ServedLibrary;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the library is loaded and at least one Python worker has started. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

  private final ServedLibrary library;
  private final RuntimeConfig config;

  ReadinessCheck(ServedLibrary library, RuntimeConfig config) {
    this.library = library;
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("function-library");
    WorkerPool pool = library.pool();
    if (config.fetchAgent()) {
      return b.up().withData("mode", "fetch-agent").build(); // ready once its first fetch ran
    }
    if (config.batchAgent()) {
      return b.up().withData("mode", "batch-agent").build(); // never keeps the pod from serving
    }
    if (library.loadError() != null) {
      return b.down().withData("error", library.loadError()).build();
    }
    if (pool == null || !pool.isReady()) {
      return b.down().withData("workers", "starting").build();
    }
    PoolStats s = pool.stats();
    b.withData("functions", library.functions().size())
        .withData("workers", s.workers())
        .withData("ready", s.ready())
        .withData("queued", s.queued());
    if (library.library() != null && library.library().commit() != null) {
      b.withData("commit", library.library().commit());
    }
    return b.up().build();
  }
}
