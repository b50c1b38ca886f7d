package io.globalfunc.operator.kube;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the Quarkus application under test (the operator) at this run's real API server as the
 * admin user. Use with {@code restrictToAnnotatedClass = true}: the mock-server tests keep theirs.
 */
public class KubeControlPlaneResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    Config config = KubeControlPlane.get().config();
    return Map.of(
        "quarkus.kubernetes-client.api-server-url", config.getMasterUrl(),
        "quarkus.kubernetes-client.ca-cert-data", config.getCaCertData(),
        "quarkus.kubernetes-client.client-cert-data", config.getClientCertData(),
        "quarkus.kubernetes-client.client-key-data", config.getClientKeyData(),
        "quarkus.kubernetes-client.trust-certs", "false");
  }

  @Override
  public void stop() {
    // The control plane outlives one application: it stops when the test JVM exits.
  }
}
