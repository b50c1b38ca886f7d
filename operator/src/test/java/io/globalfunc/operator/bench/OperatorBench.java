package io.globalfunc.operator.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.naming.EndpointKeys;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.release.FunctionRelease;
import io.globalfunc.operator.support.GitFixture;
import io.globalfunc.operator.support.Manifests;
import io.globalfunc.operator.support.RedisTestResource;
import io.globalfunc.operator.worker.GlobalFuncWorker;
import io.globalfunc.operator.worker.GlobalFuncWorkerSpec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test: surefire's default includes skip it; bench/operator/run.sh runs it): 200
 * GlobalFuncWorkers x 3 replicas applied at once against the Kubernetes test server, with a real
 * Redis. Reports seconds until every pod exists, seconds until every endpoint is registered after
 * the pods turn Ready, and the heap after (operator, test server and harness share this JVM).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(RedisTestResource.class)
@TestProfile(OperatorBench.Production.class)
public class OperatorBench {

  static final int WORKERS = Integer.getInteger("gf.bench.workers", 200);
  static final int REPLICAS = Integer.getInteger("gf.bench.replicas", 3);

  /** Production timings (30 s resync) instead of the tests' fast ones. */
  public static class Production implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "gf.endpoints.resync",
          "30s",
          "gf.endpoints.ttl",
          "90s",
          "quarkus.log.category.\"io.globalfunc\".level",
          "WARN");
    }
  }

  @Inject KubernetesClient client;
  @Inject RedisDataSource redis;

  @Test
  void twoHundredWorkersTimesThreeReplicas() throws Exception {
    String ns = "bench";
    int pods = WORKERS * REPLICAS;
    try (GitFixture git = GitFixture.create(GitFixture.sampleLibrary())) {
      client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                FunctionRelease r =
                    client.resources(FunctionRelease.class).inNamespace(ns).withName("lib").get();
                return r.getStatus() != null
                    && Conditions.isTrue(r.getStatus().getConditions(), Conditions.READY);
              });

      ExecutorService pool = Executors.newFixedThreadPool(16);
      long t0 = System.nanoTime();
      for (int i = 0; i < WORKERS; i++) {
        int n = i;
        pool.submit(
            () -> {
              GlobalFuncWorker w = Manifests.seedWorker(ns, "w" + n, "lib", REPLICAS);
              w.getSpec().setNode(null);
              w.getSpec().setPorts(new GlobalFuncWorkerSpec.PortRange(26000, 27000));
              client.resource(w).create();
            });
      }
      List<Pod> all =
          await()
              .atMost(Duration.ofMinutes(10))
              .pollInterval(Duration.ofMillis(250))
              .until(() -> client.pods().inNamespace(ns).list().getItems(), l -> l.size() == pods);
      double podsSeconds = (System.nanoTime() - t0) / 1e9;

      AtomicInteger ip = new AtomicInteger();
      long t1 = System.nanoTime();
      for (Pod p : all) {
        pool.submit(
            () ->
                Manifests.markReady(
                    client, p, "10.3." + (ip.get() / 250) + "." + (ip.getAndIncrement() % 250)));
      }
      String index = EndpointKeys.spaceIndex("sp_GlobalFunc");
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  redis.set(String.class).smembers(index).stream()
                          .filter(m -> m.startsWith(ns + "/"))
                          .count()
                      == pods);
      double endpointsSeconds = (System.nanoTime() - t1) / 1e9;
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);

      System.gc();
      Thread.sleep(500);
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      String json =
          String.format(
              "{\"workers\": %d, \"replicas\": %d, \"pods\": %d, \"secondsUntilAllPodsExist\": %.2f,"
                  + " \"secondsUntilAllEndpointsRegisteredAfterReady\": %.2f, \"heapUsedAfterGcMiB\": %.1f,"
                  + " \"cpus\": %d}%n",
              WORKERS,
              REPLICAS,
              pods,
              podsSeconds,
              endpointsSeconds,
              heap / 1048576.0,
              Runtime.getRuntime().availableProcessors());
      System.out.println("OPERATOR BENCH " + json);
      Files.writeString(Path.of("target", "bench-operator.json"), json);
    }
  }
}
