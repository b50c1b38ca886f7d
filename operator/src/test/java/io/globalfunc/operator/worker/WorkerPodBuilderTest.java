package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.support.Manifests;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerPodBuilderTest {

  static final ReleaseView RELEASE =
      new ReleaseView(
          "lib",
          "https://git.example.com/team/functions.git",
          "git-creds",
          "master",
          "a".repeat(40),
          "sp_GlobalFunc");

  static GlobalFuncWorker worker() {
    GlobalFuncWorker w = Manifests.seedWorker("team", "fleet", "lib", 2);
    w.getMetadata().setUid("uid-1");
    return w;
  }

  @Test
  void everyContainerPassesThePodSecurityStandardRestricted() {
    Pod pod = WorkerPodBuilder.build(worker(), RELEASE, 26000);
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType())
        .isEqualTo("RuntimeDefault");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getHostNetwork()).isNull();
    for (Container c : containers(pod)) {
      assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
      assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(c.getSecurityContext().getPrivileged()).isNull();
    }
    assertThat(pod.getSpec().getVolumes())
        .allMatch(v -> v.getEmptyDir() != null || v.getSecret() != null);
  }

  @Test
  void podOptionsReachThePodWithoutTakingOverTheOperatorsParts() {
    GlobalFuncWorker w = worker();
    GlobalFuncWorkerSpec spec = w.getSpec();
    spec.setImagePullSecrets(
        List.of(new io.fabric8.kubernetes.api.model.LocalObjectReference("regcred")));
    spec.setTolerations(
        List.of(
            new io.fabric8.kubernetes.api.model.TolerationBuilder()
                .withKey("nvidia.com/gpu")
                .withOperator("Exists")
                .withEffect("NoSchedule")
                .build()));
    spec.setAffinity(
        new io.fabric8.kubernetes.api.model.AffinityBuilder()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addNewMatchExpression()
            .withKey("gpu")
            .withOperator("In")
            .withValues("a100")
            .endMatchExpression()
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .build());
    spec.setEnv(
        List.of(new EnvVar("HF_HOME", "/tmp/hf", null), new EnvVar("TZ", "Asia/Shanghai", null)));
    spec.setPodLabels(java.util.Map.of("team", "ml"));
    spec.setPodAnnotations(java.util.Map.of("prometheus.io/scrape", "true"));
    spec.setPriorityClassName("batch-high");
    spec.setTimeoutSeconds(120);

    Pod pod = WorkerPodBuilder.build(w, RELEASE, 26000);
    assertThat(pod.getSpec().getImagePullSecrets()).extracting("name").containsExactly("regcred");
    assertThat(pod.getSpec().getTolerations()).extracting("key").containsExactly("nvidia.com/gpu");
    assertThat(
            pod.getSpec()
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms())
        .hasSize(1);
    assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("batch-high");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("team", "ml")
        .containsEntry(Labels.WORKER, w.getMetadata().getName());
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsKey(Labels.SPEC_HASH);
    Container runtime = pod.getSpec().getContainers().get(0);
    assertThat(env(runtime, "HF_HOME")).isEqualTo("/tmp/hf");
    assertThat(runtime.getEnv())
        .filteredOn(e -> e.getName().equals("TZ"))
        .singleElement()
        .extracting(EnvVar::getValue)
        .isEqualTo("Asia/Shanghai");
    // The pod outlives its longest call on SIGTERM: not-ready delay + timeout + exit.
    assertThat(env(runtime, "GF_DRAIN_TIMEOUT")).isEqualTo("120s");
    assertThat(pod.getSpec().getTerminationGracePeriodSeconds())
        .isEqualTo(WorkerPodBuilder.DRAIN_DELAY_SECONDS + 120L + 10L);
    // A change of any of them rolls the pods.
    String before = pod.getMetadata().getAnnotations().get(Labels.SPEC_HASH);
    spec.setTolerations(List.of());
    assertThat(WorkerPodBuilder.build(w, RELEASE, 26000).getMetadata().getAnnotations())
        .doesNotContainEntry(Labels.SPEC_HASH, before);
  }

  @Test
  void gitCredentialsReachOnlyTheInitContainer() {
    Pod pod = WorkerPodBuilder.build(worker(), RELEASE, 26000);
    Container init = pod.getSpec().getInitContainers().get(0);
    // Credentials are files of a Secret volume only the init container mounts, never env values.
    assertThat(init.getEnv())
        .filteredOn(e -> e.getValueFrom() != null)
        .extracting(EnvVar::getName)
        .containsExactly("GF_COMMIT");
    assertThat(env(init, "GF_GIT_TOKEN_FILE"))
        .isEqualTo(WorkerPodBuilder.GIT_SECRET_DIR + "/token");
    assertThat(env(init, "GF_GIT_USERNAME_FILE")).startsWith(WorkerPodBuilder.GIT_SECRET_DIR);
    assertThat(env(init, "GF_GIT_PASSWORD_FILE")).startsWith(WorkerPodBuilder.GIT_SECRET_DIR);
    assertThat(pod.getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null && !v.getName().equals(ReleaseTokens.VOLUME))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("git-creds"));
    assertThat(init.getVolumeMounts())
        .anyMatch(m -> m.getMountPath().equals(WorkerPodBuilder.GIT_SECRET_DIR) && m.getReadOnly());
    assertThat(env(init, "GF_FETCH_ONLY")).isEqualTo("true");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry(Labels.COMMIT, "a".repeat(40));
    assertThat(env(init, "GF_FETCH_TARGET")).isEqualTo("/library");
    Container runtime = pod.getSpec().getContainers().get(0);
    assertThat(runtime.getEnv())
        .filteredOn(e -> e.getValueFrom() != null)
        .extracting(EnvVar::getName)
        .containsExactly("GF_COMMIT");
    assertThat(runtime.getVolumeMounts())
        .anyMatch(m -> m.getMountPath().equals("/library") && m.getReadOnly());
    assertThat(runtime.getEnvFrom()).isNullOrEmpty();
    assertThat(runtime.getVolumeMounts())
        .noneMatch(m -> m.getMountPath().startsWith(WorkerPodBuilder.GIT_SECRET_DIR));
  }

  @Test
  void runtimeContainerServesTheLibraryOnItsPortWithProbes() {
    Pod pod = WorkerPodBuilder.build(worker(), RELEASE, 26042);
    Container runtime = pod.getSpec().getContainers().get(0);
    assertThat(env(runtime, "GF_FUNCTIONS_DIR")).isEqualTo("/library");
    assertThat(env(runtime, "QUARKUS_HTTP_PORT")).isEqualTo("26042");
    assertThat(env(runtime, "TZ")).isEqualTo("UTC");
    assertThat(env(runtime, "GF_SPACE")).isEqualTo("sp_GlobalFunc");
    assertThat(env(runtime, "GF_PYTHON_WORKERS")).isEqualTo("2");
    assertThat(runtime.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(26042);
              assertThat(p.getHostPort()).isNull();
            });
    assertThat(runtime.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(runtime.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(runtime.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(Labels.PORT, "26042")
        .containsEntry(Labels.WORKER, "fleet");
    assertThat(pod.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
  }

  @Test
  void theCommitComesFromTheAnnotationAndTheReleaseTokenOnlyReachesTheRuntime() {
    Pod pod = WorkerPodBuilder.build(worker(), RELEASE, 26000);
    Container runtime = pod.getSpec().getContainers().get(0);
    for (Container c : List.of(runtime, pod.getSpec().getInitContainers().get(0))) {
      EnvVar commit =
          c.getEnv().stream()
              .filter(e -> e.getName().equals("GF_COMMIT"))
              .findFirst()
              .orElseThrow();
      assertThat(commit.getValue()).isNull();
      assertThat(commit.getValueFrom().getFieldRef().getFieldPath())
          .isEqualTo("metadata.annotations['" + Labels.COMMIT + "']");
    }
    assertThat(env(runtime, "GF_RELEASE_TOKEN_SHA256_FILE"))
        .isEqualTo(ReleaseTokens.DIR + "/" + ReleaseTokens.SHA256_KEY);
    assertThat(runtime.getEnv()).noneMatch(e -> e.getName().equals("GF_RELEASE_TOKEN_FILE"));
    assertThat(pod.getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals(ReleaseTokens.VOLUME))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("fleet-release-token");
              // Only the digest is projected: user code in the runtime container can read any
              // file mounted there, and the token itself would let it switch its own pod.
              assertThat(v.getSecret().getItems())
                  .extracting(i -> i.getKey())
                  .containsExactly(ReleaseTokens.SHA256_KEY);
            });
    List<Container> others = new java.util.ArrayList<>(pod.getSpec().getInitContainers());
    others.addAll(pod.getSpec().getContainers().subList(1, pod.getSpec().getContainers().size()));
    assertThat(others)
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.getVolumeMounts())
                  .noneMatch(m -> m.getName().equals(ReleaseTokens.VOLUME));
              assertThat(c.getEnv()).noneMatch(e -> e.getName().startsWith("GF_RELEASE_TOKEN"));
            });
  }

  static final List<String> LIMITS =
      List.of("GF_MAX_COMMITS", "GF_WORKER_BUDGET", "GF_COMMIT_IDLE", "GF_MAX_CALLS_PER_WORKER");

  @Test
  void versionBoundsAndStrictModeReachOnlyTheRuntimeAndOnlyWhenSet() {
    Pod plain = WorkerPodBuilder.build(worker(), RELEASE, 26000);
    assertThat(containers(plain))
        .allSatisfy(
            c ->
                assertThat(c.getEnv())
                    .extracting(EnvVar::getName)
                    .doesNotContainAnyElementsOf(LIMITS));
    GlobalFuncWorker empty = worker();
    empty.getSpec().setVersions(new VersionsSpec());
    assertThat(hash(WorkerPodBuilder.build(empty, RELEASE, 26000)))
        .as("fields left unset add nothing, so an operator upgrade rolls no pod")
        .isEqualTo(hash(plain));

    GlobalFuncWorker w = worker();
    VersionsSpec versions = new VersionsSpec();
    versions.setMaxCommits(6);
    versions.setWorkerBudget(9);
    versions.setCommitIdleSeconds(120);
    w.getSpec().setVersions(versions);
    w.getSpec().setMaxCallsPerWorker(1);
    Pod pod = WorkerPodBuilder.build(w, RELEASE, 26000);
    Container runtime = pod.getSpec().getContainers().get(0);
    assertThat(runtime.getName()).isEqualTo(WorkerPodBuilder.RUNTIME_CONTAINER);
    assertThat(env(runtime, "GF_MAX_COMMITS")).isEqualTo("6");
    assertThat(env(runtime, "GF_WORKER_BUDGET")).isEqualTo("9");
    assertThat(env(runtime, "GF_COMMIT_IDLE")).isEqualTo("120s");
    assertThat(env(runtime, "GF_MAX_CALLS_PER_WORKER")).isEqualTo("1");
    assertThat(containers(pod))
        .filteredOn(c -> c != runtime)
        .isNotEmpty()
        .allSatisfy(
            c ->
                assertThat(c.getEnv())
                    .extracting(EnvVar::getName)
                    .doesNotContainAnyElementsOf(LIMITS));
    assertThat(hash(pod)).as("a changed bound rolls the pods").isNotEqualTo(hash(plain));

    versions.setWorkerBudget(null);
    w.getSpec().setMaxCallsPerWorker(0);
    Container lean = WorkerPodBuilder.build(w, RELEASE, 26000).getSpec().getContainers().get(0);
    assertThat(env(lean, "GF_WORKER_BUDGET")).isNull();
    assertThat(env(lean, "GF_MAX_CALLS_PER_WORKER")).isEqualTo("0");
  }

  @Test
  void gpuAndHostPortOnlyWhenAsked() {
    GlobalFuncWorker w = worker();
    w.getSpec().getResources().setGpu(1);
    w.getSpec().getResources().setCpu("2");
    w.getSpec().setHostPort(true);
    Container runtime = WorkerPodBuilder.build(w, RELEASE, 26000).getSpec().getContainers().get(0);
    assertThat(runtime.getResources().getLimits().get("nvidia.com/gpu").toString()).isEqualTo("1");
    assertThat(runtime.getResources().getLimits().get("cpu").toString()).isEqualTo("2");
    assertThat(runtime.getPorts().get(0).getHostPort()).isEqualTo(26000);
  }

  @Test
  void theSpecHashIsStableIgnoresTheCommitAndMovesWithTheSpec() {
    String a = hash(WorkerPodBuilder.build(worker(), RELEASE, 26000));
    assertThat(hash(WorkerPodBuilder.build(worker(), RELEASE, 26000))).isEqualTo(a);
    ReleaseView moved =
        new ReleaseView(
            "lib", RELEASE.url(), RELEASE.secretName(), "master", "b".repeat(40), "sp_GlobalFunc");
    Pod atNewCommit = WorkerPodBuilder.build(worker(), moved, 26000);
    assertThat(hash(atNewCommit)).as("a new commit is switched in place, not rolled").isEqualTo(a);
    assertThat(atNewCommit.getMetadata().getAnnotations())
        .containsEntry(Labels.COMMIT, "b".repeat(40));
    GlobalFuncWorker bigger = worker();
    bigger.getSpec().getResources().setMemory("31Gi");
    assertThat(hash(WorkerPodBuilder.build(bigger, RELEASE, 26000))).isNotEqualTo(a);
    GlobalFuncWorker more = worker();
    more.getSpec().setReplicas(9);
    assertThat(hash(WorkerPodBuilder.build(more, RELEASE, 26000)))
        .as("replicas do not touch a pod")
        .isEqualTo(a);
  }

  @Test
  void serviceRoutesToTheNamedPort() {
    var svc = WorkerServiceBuilder.build(worker());
    assertThat(svc.getMetadata().getName()).isEqualTo("fleet");
    assertThat(svc.getSpec().getSelector())
        .containsEntry(Labels.WORKER, "fleet")
        .containsEntry(Labels.MANAGED_BY, Labels.OPERATOR);
    assertThat(svc.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");
    assertThat(WorkerServiceBuilder.matches(svc, WorkerServiceBuilder.build(worker()))).isTrue();
    assertThat(WorkerServiceBuilder.matches(null, svc)).isFalse();
  }

  static String hash(Pod pod) {
    return pod.getMetadata().getAnnotations().get(Labels.SPEC_HASH);
  }

  static List<Container> containers(Pod pod) {
    return java.util.stream.Stream.concat(
            pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
        .toList();
  }

  static String env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .map(EnvVar::getValue)
        .orElse(null);
  }
}
