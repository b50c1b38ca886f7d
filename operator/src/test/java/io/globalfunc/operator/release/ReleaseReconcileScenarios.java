package io.globalfunc.operator.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.globalfunc.core.catalog.CatalogEntry;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.operator.common.Conditions;
import io.globalfunc.operator.support.GitFixture;
import io.globalfunc.operator.support.Manifests;
import io.globalfunc.operator.support.UnauthorizedGitServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * FunctionRelease reconciliation against real Git repositories (file:// and HTTP), run on fabric8's
 * mock server ({@link ReleaseReconcileMockIT}) and on a real API server ({@link
 * ReleaseReconcileIT}).
 */
abstract class ReleaseReconcileScenarios {

  static final Duration LONG = Duration.ofSeconds(90);

  /** The namespace a test works in, made from {@code hint}; the server may need it created. */
  protected abstract String namespace(String hint);

  @Inject KubernetesClient client;
  @Inject CoreReleaseCatalog catalog;

  @Test
  void resolvesTheBranchAndFollowsItWhenItMoves() {
    String ns = namespace("follow");
    try (GitFixture git = GitFixture.create(GitFixture.sampleLibrary())) {
      client.resource(Manifests.release(ns, "lib", git.url(), "1s")).create();
      FunctionRelease first = awaitRelease(ns, "lib", r -> r.getStatus().getCommit() != null);
      assertThat(first.getStatus().getBranch()).isEqualTo("master");
      assertThat(first.getStatus().getFunctions()).isEqualTo(2);
      assertThat(first.getStatus().getFiles()).isEqualTo(3);
      assertThat(first.getStatus().getObservedGeneration())
          .isEqualTo(first.getMetadata().getGeneration());
      assertThat(Conditions.reason(first.getStatus().getConditions(), Conditions.READY))
          .isEqualTo("Resolved");

      String next =
          git.commit(Map.of("Util/twice.py", "def twice(x):\n    return 2 * x\n"), "twice");
      FunctionRelease moved = awaitRelease(ns, "lib", r -> next.equals(r.getStatus().getCommit()));
      assertThat(moved.getStatus().getFunctions()).isEqualTo(3);
    }
  }

  @Test
  void aRequestedReconcileFetchesAtOnceNotAtTheNextPoll() {
    String ns = namespace("request");
    try (GitFixture git = GitFixture.create(GitFixture.sampleLibrary())) {
      client.resource(Manifests.release(ns, "lib", git.url(), "1h")).create();
      awaitRelease(ns, "lib", r -> r.getStatus().getCommit() != null);
      String next =
          git.commit(Map.of("Util/twice.py", "def twice(x):\n    return 2 * x\n"), "twice");
      // What a push hook does: the hour-long poll is not waited for.
      client
          .resources(FunctionRelease.class)
          .inNamespace(ns)
          .withName("lib")
          .edit(
              r -> {
                r.getMetadata()
                    .setAnnotations(Map.of(ReconcileRequest.ANNOTATION, "2026-11-28T00:00:01Z"));
                return r;
              });
      FunctionRelease moved =
          awaitRelease(
              ns,
              "lib",
              r ->
                  next.equals(r.getStatus().getCommit())
                      && "2026-11-28T00:00:01Z".equals(r.getStatus().getLastHandledReconcileAt()));
      assertThat(moved.getStatus().getFunctions()).isEqualTo(3);
    }
  }

  @Test
  void aPinnedReleaseNeverMovesAndAPackageSubsetIsHonoured() {
    String ns = namespace("pinned");
    try (GitFixture git = GitFixture.create(GitFixture.sampleLibrary())) {
      String pinned =
          git.commit(Map.of("Util/twice.py", "def twice(x):\n    return 2 * x\n"), "twice");
      FunctionRelease r = Manifests.release(ns, "lib", git.url(), "1s");
      r.getSpec().setCommit(pinned);
      r.getSpec().setPackages(java.util.List.of("Util"));
      client.resource(r).create();
      awaitRelease(
          ns,
          "lib",
          x -> pinned.equals(x.getStatus().getCommit()) && x.getStatus().getFunctions() == 1);

      git.commit(Map.of("Util/thrice.py", "def thrice(x):\n    return 3 * x\n"), "thrice");
      // Nudge a reconcile (a label change) and check the commit did not move.
      client
          .resources(FunctionRelease.class)
          .inNamespace(ns)
          .withName("lib")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"labels\":{\"nudge\":\"1\"}}}");
      await()
          .during(Duration.ofSeconds(3))
          .atMost(LONG)
          .until(
              () ->
                  client
                      .resources(FunctionRelease.class)
                      .inNamespace(ns)
                      .withName("lib")
                      .get()
                      .getStatus()
                      .getCommit(),
              pinned::equals);
    }
  }

  @Test
  void gitFailuresAreReadyFalseWithAReasonAndRecover() {
    String ns = namespace("gitfail");
    try (GitFixture git = GitFixture.create(GitFixture.sampleLibrary())) {
      FunctionRelease unknownBranch = Manifests.release(ns, "branch", git.url(), "1h");
      unknownBranch.getSpec().setBranch("no-such-branch");
      client.resource(unknownBranch).create();
      // Port 1 on loopback: nothing listens there, so the connection is refused (a "free" port
      // picked at random could be taken by another process in the meantime).
      FunctionRelease unreachable = Manifests.release(ns, "down", "http://127.0.0.1:1/x.git", "1h");
      client.resource(unreachable).create();
      FunctionRelease badCommit = Manifests.release(ns, "commit", git.url(), "1h");
      badCommit.getSpec().setCommit("deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
      client.resource(badCommit).create();

      awaitReason(ns, "branch", "BranchNotFound");
      awaitReason(ns, "down", "RepositoryUnreachable");
      awaitReason(ns, "commit", "CommitNotFound");

      // Fixing the spec recovers without any restart.
      client
          .resources(FunctionRelease.class)
          .inNamespace(ns)
          .withName("branch")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"branch\":\"master\"}}");
      awaitReason(ns, "branch", "Resolved");
    }
  }

  @Test
  void badCredentialsAreAuthenticationFailedAndNeverLeak() {
    String ns = namespace("auth");
    String password = "s3cr3t-Pa55word-never-shown";
    try (UnauthorizedGitServer server = UnauthorizedGitServer.start()) {
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("git")
                  .withNamespace(ns)
                  .endMetadata()
                  .addToStringData("username", "andy")
                  .addToStringData("password", password)
                  .build())
          .create();
      FunctionRelease r = Manifests.release(ns, "private", server.url(), "1h");
      FunctionReleaseSpec.SecretRef ref = new FunctionReleaseSpec.SecretRef();
      ref.setName("git");
      r.getSpec().getRepository().setSecretRef(ref);
      client.resource(r).create();
      FunctionRelease failed = awaitReason(ns, "private", "AuthenticationFailed");
      assertThat(Serialization.asJson(failed)).doesNotContain(password);
      assertThat(Serialization.asJson(client.v1().events().inNamespace(ns).list()))
          .doesNotContain(password)
          .contains("AuthenticationFailed");

      FunctionRelease missing = Manifests.release(ns, "nosecret", server.url(), "1h");
      FunctionReleaseSpec.SecretRef none = new FunctionReleaseSpec.SecretRef();
      none.setName("absent");
      missing.getSpec().getRepository().setSecretRef(none);
      client.resource(missing).create();
      awaitReason(ns, "nosecret", "SecretNotFound");
    }
  }

  @Test
  void aReleaseOfAnotherRepositoryIsRefusedFromASpaceThatBelongsToTheFirst() {
    String ns = namespace("claim");
    // A space of its own per run: the embedded catalog under target/ outlives a run.
    String space = "sp_Claimed_" + Long.toHexString(System.nanoTime());
    try (GitFixture first = GitFixture.create(GitFixture.sampleLibrary());
        GitFixture second =
            GitFixture.createUnrelated(
                Map.of("Base/add.py", "def add(a, b):\n    return a - b\n"))) {
      FunctionRelease a = Manifests.release(ns, "first", first.url(), "1h");
      a.getSpec().setSpace(space);
      client.resource(a).create();
      String firstCommit = awaitReason(ns, "first", "Resolved").getStatus().getCommit();
      FunctionName add = FunctionName.of(space, "Base", "master", "add");
      assertThat(catalog.catalog(space).require(add).commit()).isEqualTo(firstCommit);

      // Same space, package and branch, another history: refused whole, nothing merged.
      FunctionRelease b = Manifests.release(ns, "second", second.url(), "1h");
      b.getSpec().setSpace(space);
      client.resource(b).create();
      FunctionRelease refused = awaitReason(ns, "second", "RepositoryConflict");
      String ownSpace = space + "_" + second.root().substring(0, 7);
      assertThat(refused.getStatus().getCommit()).isNull();
      assertThat(Conditions.reason(refused.getStatus().getConditions(), Conditions.CATALOGED))
          .isEqualTo("RepositoryConflict");
      assertThat(
              Conditions.get(refused.getStatus().getConditions(), Conditions.READY)
                  .orElseThrow()
                  .getMessage())
          .startsWith("space " + space + " belongs to another repository (root commit ")
          .contains(first.root().substring(0, 7))
          .contains("this one is root commit " + second.root().substring(0, 7))
          .endsWith("spec.space: " + ownSpace);
      assertThat(Serialization.asJson(client.v1().events().inNamespace(ns).list()))
          .contains("RepositoryConflict");
      CatalogEntry kept = catalog.catalog(space).require(add);
      assertThat(kept.commit()).isEqualTo(firstCommit);
      assertThat(kept.data()).contains("a + b");
      assertThat(catalog.catalog(space).list("master", null)).noneMatch(CatalogEntry::removed);

      // The space the message suggests takes it; the first release is untouched.
      client
          .resources(FunctionRelease.class)
          .inNamespace(ns)
          .withName("second")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"space\":\"" + ownSpace + "\"}}");
      FunctionRelease own = awaitReason(ns, "second", "Resolved");
      assertThat(Conditions.reason(own.getStatus().getConditions(), Conditions.CATALOGED))
          .isEqualTo("Saved");
      assertThat(
              catalog
                  .catalog(ownSpace)
                  .require(FunctionName.of(ownSpace, "Base", "master", "add"))
                  .data())
          .contains("a - b");
      assertThat(catalog.catalog(space).require(add).commit()).isEqualTo(firstCommit);
    }
  }

  @Test
  void anInvalidSpecIsAConditionNotACrash() {
    String ns = namespace("invalid");
    FunctionRelease r =
        Manifests.release(ns, "creds-in-url", "https://andy:pw@example.com/x.git", "1h");
    client.resource(r).create();
    FunctionRelease bad = awaitReason(ns, "creds-in-url", "InvalidSpec");
    assertThat(
            Conditions.get(bad.getStatus().getConditions(), Conditions.READY)
                .orElseThrow()
                .getMessage())
        .doesNotContain("pw@");
  }

  FunctionRelease awaitReason(String ns, String name, String reason) {
    return awaitRelease(
        ns,
        name,
        r -> reason.equals(Conditions.reason(r.getStatus().getConditions(), Conditions.READY)));
  }

  FunctionRelease awaitRelease(String ns, String name, Predicate<FunctionRelease> done) {
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.resources(FunctionRelease.class).inNamespace(ns).withName(name).get(),
            r -> r != null && r.getStatus() != null && done.test(r));
  }
}
