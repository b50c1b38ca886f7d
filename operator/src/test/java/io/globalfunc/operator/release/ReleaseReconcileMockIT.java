package io.globalfunc.operator.release;

import io.globalfunc.operator.support.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The release scenarios on fabric8's mock server in CRUD mode. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(RedisTestResource.class)
class ReleaseReconcileMockIT extends ReleaseReconcileScenarios {

  @Override
  protected String namespace(String hint) {
    return hint;
  }
}
