package io.globalfunc.operator.bench;

import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.KubeControlPlaneResource;
import io.globalfunc.operator.support.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The operator bench on a real API server (etcd, kube-apiserver, kube-controller-manager as their
 * own processes), so this JVM's heap and RSS are the operator's and the harness's only.
 */
@QuarkusTest
@QuarkusTestResource(value = KubeControlPlaneResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(RedisTestResource.class)
@TestProfile(OperatorRealServerBench.RealProduction.class)
public class OperatorRealServerBench extends OperatorBenchScenario {

  /** The production profile; its own class so Quarkus starts a separate application. */
  public static class RealProduction extends Production {}

  @Override
  protected String namespace() {
    return KubeControlPlane.get().namespace("bench");
  }

  @Override
  protected String server() {
    return "real";
  }
}
