package io.globalfunc.operator.release;

import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.KubeControlPlaneResource;
import io.globalfunc.operator.support.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The release scenarios on a real API server (etcd, kube-apiserver, kube-controller-manager): the
 * CRD schema is enforced, Secrets and Events really stored, each test in its own namespace.
 */
@QuarkusTest
@QuarkusTestResource(value = KubeControlPlaneResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(RedisTestResource.class)
class ReleaseReconcileIT extends ReleaseReconcileScenarios {

  @Override
  protected String namespace(String hint) {
    return KubeControlPlane.get().namespace(hint);
  }
}
