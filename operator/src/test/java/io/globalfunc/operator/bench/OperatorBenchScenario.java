package io.globalfunc.operator.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.naming.EndpointKeys;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.release.FunctionRelease;
import io.globalfunc.operator.support.GitFixture;
import io.globalfunc.operator.support.Manifests;
import io.globalfunc.operator.worker.GlobalFuncWorker;
import io.globalfunc.operator.worker.GlobalFuncWorkerReconciler;
import io.globalfunc.operator.worker.GlobalFuncWorkerSpec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTestProfile;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a test: surefire's default includes skip it; bench/operator/run.sh runs it): 200
 * GlobalFuncWorkers x 3 replicas applied at once against a Kubernetes API server, with a real
 * Redis. Reports seconds until every pod exists, seconds until every endpoint is registered after
 * the pods turn Ready, and the heap and RSS of this JVM after (operator and harness; with the mock
 * server, the mock server too). Run on the mock ({@link OperatorBench}) and on a real API server
 * ({@link OperatorRealServerBench}) in the same run, for a ratio.
 */
public abstract class OperatorBenchScenario {

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

  /** The namespace the bench works in (the real server needs it created). */
  protected abstract String namespace();

  /** "mock" or "real": names the result file. */
  protected abstract String server();

  @Inject KubernetesClient client;
  @Inject RedisDataSource redis;

  @Test
  void twoHundredWorkersTimesThreeReplicas() throws Exception {
    String ns = namespace();
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

      long distinctPorts = all.stream().map(GlobalFuncWorkerReconciler::port).distinct().count();
      if (distinctPorts != pods) {
        throw new AssertionError("duplicate ports: " + distinctPorts + " distinct of " + pods);
      }

      AtomicInteger ip = new AtomicInteger();
      long t1 = System.nanoTime();
      List<Future<?>> writes = new ArrayList<>();
      for (Pod p : all) {
        int n = ip.getAndIncrement();
        writes.add(
            pool.submit(
                () -> Manifests.markReady(client, p, "10.3." + (n / 250) + "." + (n % 250))));
      }
      for (Future<?> w : writes) {
        w.get();
      }
      double readyWritten = (System.nanoTime() - t1) / 1e9;
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
      long rssKib =
          Files.readAllLines(Path.of("/proc/self/status")).stream()
              .filter(l -> l.startsWith("VmRSS:"))
              .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
              .findFirst()
              .orElse(-1);
      String json =
          String.format(
              "{\"server\": \"%s\", \"workers\": %d, \"replicas\": %d, \"pods\": %d, \"secondsUntilAllPodsExist\": %.2f,"
                  + " \"secondsUntilAllEndpointsRegisteredAfterReady\": %.2f,"
                  + " \"secondsTheHarnessTookToWriteReadyStatus\": %.2f, \"heapUsedAfterGcMiB\": %.1f,"
                  + " \"jvmRssMiB\": %.1f, \"cpus\": %d}%n",
              server(),
              WORKERS,
              REPLICAS,
              pods,
              podsSeconds,
              endpointsSeconds,
              readyWritten,
              heap / 1048576.0,
              rssKib / 1024.0,
              Runtime.getRuntime().availableProcessors());
      System.out.println("OPERATOR BENCH " + json);
      Files.writeString(Path.of("target", "bench-operator-" + server() + ".json"), json);
    }
  }
}
