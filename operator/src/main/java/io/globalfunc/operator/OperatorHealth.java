package io.globalfunc.operator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the operator runs and every informer is healthy (Redis is deliberately not part). */
@Readiness
@ApplicationScoped
public class OperatorHealth implements HealthCheck {

  @Inject OperatorRuntime runtime;

  @Override
  public HealthCheckResponse call() {
    var builder = HealthCheckResponse.named("globalfunc-operator");
    return runtime
        .operator()
        .map(
            op ->
                builder
                    .status(
                        op.getRuntimeInfo().isStarted()
                            && op.getRuntimeInfo().allEventSourcesAreHealthy())
                    .build())
        .orElseGet(() -> builder.up().withData("operator", "disabled").build());
  }
}
