package io.globalfunc.operator.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.support.GitFixture;
import io.globalfunc.operator.support.Manifests;
import io.globalfunc.operator.support.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The operator's MongoDB down and back (a real MongoDB wire server, mongo-java-server, started and
 * stopped on the port the operator was given): a release keeps being resolved and served while its
 * catalog cannot be written, says so in {@code Cataloged}, and is catalogued once MongoDB answers
 * again, without a restart.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(RedisTestResource.class)
@QuarkusTestResource(value = CatalogOutageIT.LateMongo.class, restrictToAnnotatedClass = true)
class CatalogOutageIT {

  /** Gives the operator a MongoDB URI on a port where nothing listens yet. */
  public static class LateMongo implements QuarkusTestResourceLifecycleManager {

    static volatile int port;

    @Override
    public Map<String, String> start() {
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Map.of(
          "gf.catalog.mongo-uri",
          "mongodb://127.0.0.1:" + port + "/?directConnection=true",
          "gf.catalog.timeout",
          "1s");
    }

    @Override
    public void stop() {}
  }

  private static final String SPACE = "sp_Outage";
  private static final Duration LONG = Duration.ofSeconds(90);

  @Inject KubernetesClient client;
  @Inject CoreReleaseCatalog catalog;

  @Test
  void aReleaseIsServedWhileItsCatalogIsDownAndCataloguedOnceMongoIsBack() throws Exception {
    Path data = Files.createTempDirectory("gf-outage-").resolve("catalog.mv.db");
    try (GitFixture git = GitFixture.create(Map.of("remark.md", "# sample\n"))) {
      String first = git.commit(GitFixture.sampleLibrary(), "library");
      FunctionRelease release = Manifests.release("outage", "lib", git.url(), "1s");
      release.getSpec().setSpace(SPACE);
      client.resource(release).create();

      // Down from the start: the commit is resolved and published, the catalog is not written.
      FunctionRelease down = awaitRelease(r -> cataloged(r, "CatalogUnavailable"));
      assertThat(down.getStatus().getCommit()).isEqualTo(first);
      assertThat(Conditions.reason(down.getStatus().getConditions(), Conditions.READY))
          .isEqualTo("Resolved");
      assertThat(message(down)).startsWith("catalog write failed: ");

      MongoServer mongo = startMongo(data);
      try {
        awaitRelease(r -> cataloged(r, "Saved"));
        assertThat(catalog.catalog(SPACE).require(name("add")).commit()).isEqualTo(first);
      } finally {
        mongo.shutdownNow();
      }

      // Down again while the branch moves: the new commit is still served...
      String next = git.commit(Map.of("Base/twice.py", "def twice(x):\n    return 2 * x\n"), "2x");
      FunctionRelease moved =
          awaitRelease(
              r -> next.equals(r.getStatus().getCommit()) && cataloged(r, "CatalogUnavailable"));
      assertThat(moved.getStatus().getFunctions()).isEqualTo(3);

      // ... and catalogued when MongoDB is back with what it held.
      mongo = startMongo(data);
      try {
        awaitRelease(r -> cataloged(r, "Saved") && message(r).endsWith(next));
        assertThat(catalog.catalog(SPACE).require(name("twice")).commit()).isEqualTo(next);
        // An unchanged function keeps the commit it was saved at: nothing was lost or redone.
        assertThat(catalog.catalog(SPACE).require(name("add")).commit()).isEqualTo(first);
      } finally {
        mongo.shutdownNow();
      }
    }
  }

  private static MongoServer startMongo(Path file) {
    MongoServer server = new MongoServer(new H2Backend(file.toString()));
    server.bind("127.0.0.1", LateMongo.port);
    return server;
  }

  private static FunctionName name(String function) {
    return FunctionName.of(SPACE, "Base", "master", function);
  }

  private static boolean cataloged(FunctionRelease r, String reason) {
    return reason.equals(Conditions.reason(r.getStatus().getConditions(), Conditions.CATALOGED));
  }

  private static String message(FunctionRelease r) {
    return Conditions.get(r.getStatus().getConditions(), Conditions.CATALOGED)
        .orElseThrow()
        .getMessage();
  }

  private FunctionRelease awaitRelease(Predicate<FunctionRelease> done) {
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                client.resources(FunctionRelease.class).inNamespace("outage").withName("lib").get(),
            r -> r != null && r.getStatus() != null && done.test(r));
  }
}
