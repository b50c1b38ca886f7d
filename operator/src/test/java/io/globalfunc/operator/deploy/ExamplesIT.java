package io.globalfunc.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.globalfunc.core.naming.EndpointKeys;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.release.FunctionRelease;
import io.globalfunc.operator.support.GitFixture;
import io.globalfunc.operator.support.Manifests;
import io.globalfunc.operator.support.RedisTestResource;
import io.globalfunc.operator.support.RepoFiles;
import io.globalfunc.operator.worker.GlobalFuncWorker;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl apply -f crds/ -f examples/} gives the seed's worker fleet: the example manifests
 * applied as written (only the repository URL points at a real Git repository holding
 * examples/functions) produce pods m7-v101-30g-0g-26000.. with their endpoints in Redis.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(RedisTestResource.class)
class ExamplesIT {

  @Inject KubernetesClient client;
  @Inject RedisDataSource redis;

  @Test
  void theExamplesGiveTheSeedsWorkerFleet() throws IOException {
    String ns = "examples";
    try (GitFixture git =
        GitFixture.create(libraryFiles(RepoFiles.resolve("examples/functions")))) {
      FunctionRelease release = read("examples/release.yaml", FunctionRelease.class);
      release.getMetadata().setNamespace(ns);
      release.getSpec().getRepository().setUrl(git.url());
      GlobalFuncWorker worker = read("examples/worker.yaml", GlobalFuncWorker.class);
      worker.getMetadata().setNamespace(ns);
      client.resource(release).create();
      client.resource(worker).create();

      List<Pod> pods =
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () ->
                      client
                          .pods()
                          .inNamespace(ns)
                          .withLabel(Labels.WORKER, "m7")
                          .list()
                          .getItems(),
                  l -> l.size() == 3);
      assertThat(pods)
          .extracting(p -> p.getMetadata().getName())
          .containsExactlyInAnyOrder(
              "m7-v101-30g-0g-26000", "m7-v101-30g-0g-26001", "m7-v101-30g-0g-26002");
      assertThat(pods)
          .extracting(p -> p.getMetadata().getAnnotations().get(Labels.IDENTITY))
          .contains("m7_v101_30G_0G_26000");
      // The example's version bounds reach the runtime container.
      assertThat(pods.get(0).getSpec().getContainers().get(0).getEnv())
          .extracting(e -> e.getName() + "=" + e.getValue())
          .contains("GF_MAX_COMMITS=4", "GF_WORKER_BUDGET=7", "GF_COMMIT_IDLE=300s");
      FunctionRelease resolved =
          client.resources(FunctionRelease.class).inNamespace(ns).withName("globalfunc").get();
      assertThat(resolved.getStatus().getFunctions()).isGreaterThanOrEqualTo(5);

      pods.forEach(
          p ->
              Manifests.markReady(
                  client, p, "10.2.0." + (p.getMetadata().getName().hashCode() & 127)));
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  redis
                          .set(String.class)
                          .smembers(EndpointKeys.spaceIndex("sp_GlobalFunc"))
                          .stream()
                          .filter(m -> m.startsWith(ns + "/"))
                          .count()
                      == 3);
    }
  }

  static <T> T read(String file, Class<T> type) throws IOException {
    try (InputStream in = Files.newInputStream(RepoFiles.resolve(file))) {
      return Serialization.unmarshal(in, type);
    }
  }

  static Map<String, String> libraryFiles(Path root) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return files;
  }
}
