package io.globalfunc.operator;

import io.globalfunc.operator.common.ApiServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the operator runs, the API server answers and every informer is healthy and watching
 * (Redis is deliberately not part). While the API server is unreachable readiness is DOWN and says
 * so; liveness has no check and stays UP, since a restart cannot bring the server back and would
 * only trade the operator's caches for a start that waits for the server.
 */
@Readiness
@ApplicationScoped
public class OperatorHealth implements HealthCheck {

  @Inject OperatorRuntime runtime;

  @Override
  public HealthCheckResponse call() {
    var builder = HealthCheckResponse.named("globalfunc-operator");
    if (runtime.starting()) {
      return apiServer(builder.down().withData("operator", "starting")).build();
    }
    return runtime
        .operator()
        .map(op -> running(builder, op))
        .orElseGet(() -> builder.up().withData("operator", "disabled").build());
  }

  private HealthCheckResponse running(HealthCheckResponseBuilder builder, Operator op) {
    List<String> notWatching = notWatching(op);
    boolean up =
        op.getRuntimeInfo().isStarted()
            && op.getRuntimeInfo().allEventSourcesAreHealthy()
            && runtime.apiServer().reachable()
            && notWatching.isEmpty();
    apiServer(builder.status(up));
    if (!notWatching.isEmpty()) {
      builder.withData("informers not watching", String.join(", ", notWatching));
    }
    return builder.build();
  }

  /** The API server's URL and, when it is unreachable, since when and why. */
  private HealthCheckResponseBuilder apiServer(HealthCheckResponseBuilder builder) {
    ApiServer server = runtime.apiServer();
    builder.withData("api-server", server.url());
    server
        .state()
        .filter(s -> !s.reachable())
        .ifPresent(
            s ->
                builder
                    .withData("api-server-unreachable-since", s.since().toString())
                    .withData("api-server-problem", s.problem()));
    return builder;
  }

  /** controller/event source names whose informer lost its watch (the server went away). */
  private static List<String> notWatching(Operator op) {
    List<String> names = new ArrayList<>();
    for (RegisteredController<?> controller : op.getRuntimeInfo().getRegisteredControllers()) {
      var info = controller.getControllerHealthInfo();
      for (var source : info.informerEventSourceHealthIndicators().entrySet()) {
        Map<String, InformerHealthIndicator> informers =
            source.getValue().informerHealthIndicators();
        if (informers.values().stream().anyMatch(i -> !i.isWatching())) {
          names.add(controller.getConfiguration().getName() + "/" + source.getKey());
        }
      }
    }
    return names;
  }
}
