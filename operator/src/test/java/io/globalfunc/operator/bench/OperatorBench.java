package io.globalfunc.operator.bench;

import io.globalfunc.operator.support.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The operator bench on fabric8's mock server (CRUD mode), in this JVM. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(RedisTestResource.class)
@TestProfile(OperatorBenchScenario.Production.class)
public class OperatorBench extends OperatorBenchScenario {

  @Override
  protected String namespace() {
    return "bench";
  }

  @Override
  protected String server() {
    return "mock";
  }
}
