package io.globalfunc.operator.worker;

import io.globalfunc.operator.support.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The worker scenarios on fabric8's mock server in CRUD mode (no validation, no GC). */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(RedisTestResource.class)
class WorkerReconcileMockIT extends WorkerReconcileScenarios {

  @Override
  protected String namespace(String hint) {
    return hint;
  }
}
