package io.globalfunc.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SDK configuration the chart's values become, and the per-process Lease identity. */
class LeaderElectionTest {

  static LeaderElection election(boolean enabled) {
    LeaderElection e = new LeaderElection();
    e.enabled = enabled;
    e.leaseName = "gf-globalfunc-operator";
    e.namespace = Optional.of("gf-system");
    e.identity = Optional.of("gf-globalfunc-operator-5d9c-x7k2p");
    e.leaseDuration = Duration.ofSeconds(15);
    e.renewDeadline = Duration.ofSeconds(10);
    e.retryPeriod = Duration.ofSeconds(2);
    return e;
  }

  @Test
  void disabledMeansNoElection() {
    assertThat(election(false).configuration()).isEmpty();
  }

  @Test
  void enabledBecomesTheSdksLeaseConfiguration() {
    var config = election(true).configuration().orElseThrow();
    assertThat(config.getLeaseName()).isEqualTo("gf-globalfunc-operator");
    assertThat(config.getLeaseNamespace()).contains("gf-system");
    assertThat(config.getLeaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.getRenewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.getRetryPeriod()).isEqualTo(Duration.ofSeconds(2));
    // Losing the Lease exits through our callback, not the SDK's exit (which would also fire
    // during a graceful stop and block it); OperatorHaIT proves the exit on the real server.
    assertThat(config.isExitOnStopLeading()).isFalse();
    assertThat(config.getLeaderCallbacks()).isPresent();
  }

  @Test
  void theIdentityIsThePodPlusOneIdPerProcess() {
    LeaderElection one = election(true);
    LeaderElection restarted = election(true);
    assertThat(one.identity()).matches("gf-globalfunc-operator-5d9c-x7k2p_[0-9a-f]{8}");
    assertThat(one.identity()).isEqualTo(one.identity());
    assertThat(restarted.identity()).isNotEqualTo(one.identity());
    assertThat(one.configuration().orElseThrow().getIdentity()).contains(one.identity());
  }
}
