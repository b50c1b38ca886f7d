package io.globalfunc.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.globalfunc.operator.support.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the real helm CLI: the chart lints and renders what the operator needs, no more. */
class ChartIT {

  static final Path CHART = RepoFiles.resolve("charts/globalfunc-operator");
  static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Test
  void lints() {
    String out = helm("lint", "--strict", CHART.toString());
    assertThat(out).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void rendersANamespacedOperatorWithRestrictedSecurity() {
    List<HasMetadata> objects = template("--namespace", "gf-system");
    Deployment deployment = only(objects, Deployment.class);
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var c = pod.getContainers().get(0);
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(c.getResources().getLimits()).containsKey("memory");
    assertThat(c.getEnv())
        .anyMatch(
            e -> e.getName().equals("GF_WATCH_NAMESPACES") && e.getValue().equals("gf-system"));
    // The Redis URI (it may carry a password) is referenced from a Secret, never plain env.
    var redisUri =
        c.getEnv().stream().filter(e -> e.getName().equals("GF_REDIS_URI")).findFirst().get();
    assertThat(redisUri.getValue()).isNull();
    assertThat(redisUri.getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("gf-globalfunc-operator-uris");
    Secret uris = uris(objects);
    assertThat(uris.getMetadata().getNamespace()).isEqualTo("gf-system");
    assertThat(uris.getStringData())
        .containsExactly(java.util.Map.entry("redis-uri", "redis://redis:6379"));
    assertThat(c.getEnv()).noneMatch(e -> e.getName().equals("GF_MONGO_URI"));
    var withMongo =
        only(template("--set", "mongodb.uri=mongodb://u:p@mongo:27017"), Deployment.class)
            .getSpec()
            .getTemplate();
    assertThat(withMongo.getSpec().getContainers().get(0).getEnv())
        .anyMatch(
            e ->
                e.getName().equals("GF_MONGO_URI")
                    && e.getValue() == null
                    && e.getValueFrom().getSecretKeyRef().getKey().equals("mongodb-uri"));
    assertThat(withMongo.getMetadata().getAnnotations().get("checksum/uris"))
        .as("a change of the URIs restarts the operator")
        .isNotEqualTo(
            deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/uris"));
    assertThat(objects).noneMatch(o -> o instanceof ClusterRole);
    Role role = only(watchRoles(objects), Role.class);
    assertThat(role.getMetadata().getNamespace()).isEqualTo("gf-system");
    assertLeastPrivilege(role.getRules());
    assertLeaderElectionRole(objects, "gf-system");
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains("ServiceAccount", "RoleBinding", "CustomResourceDefinition");
  }

  @Test
  void rendersClusterWideAndSecretsAndSeveralNamespaces() {
    List<HasMetadata> wide =
        template(
            "--set",
            "watch.clusterWide=true",
            "--set",
            "redis.existingSecret=redis-creds",
            "--set",
            "mongodb.existingSecret=mongo-creds");
    ClusterRole role = only(wide, ClusterRole.class);
    assertLeastPrivilege(role.getRules());
    var env =
        only(wide, Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getEnv();
    assertThat(env)
        .anyMatch(
            e ->
                e.getName().equals("GF_REDIS_URI")
                    && e.getValueFrom().getSecretKeyRef().getName().equals("redis-creds"));
    assertThat(env)
        .anyMatch(
            e ->
                e.getName().equals("GF_MONGO_URI")
                    && e.getValueFrom().getSecretKeyRef().getName().equals("mongo-creds"));
    assertThat(env)
        .anyMatch(e -> e.getName().equals("GF_WATCH_NAMESPACES") && e.getValue().isEmpty());

    assertLeaderElectionRole(wide, "default");

    List<HasMetadata> two = template("--set", "watch.namespaces={team-a,team-b}");
    assertThat(watchRoles(two))
        .filteredOn(o -> o instanceof Role)
        .extracting(o -> o.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
  }

  @Test
  void anOptionalNetworkPolicyLetsOnlyChosenClientsCallTheWorkers() {
    assertThat(template()).noneMatch(o -> o instanceof NetworkPolicy);
    List<HasMetadata> objects =
        template(
            "--set", "networkPolicy.enabled=true", "--set", "watch.namespaces={team-a,team-b}");
    List<NetworkPolicy> policies =
        objects.stream()
            .filter(NetworkPolicy.class::isInstance)
            .map(NetworkPolicy.class::cast)
            .toList();
    assertThat(policies)
        .extracting(p -> p.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    NetworkPolicy policy = policies.get(0);
    // It selects exactly the pods the operator builds.
    var pod =
        io.globalfunc.operator.worker.WorkerPodBuilder.build(
            io.globalfunc.operator.support.Manifests.seedWorker("team-a", "fleet", "lib", 1),
            new io.globalfunc.operator.worker.ReleaseView(
                "lib", "https://git.example.com/f.git", null, "master", "a".repeat(40), "sp"),
            26000);
    assertThat(pod.getMetadata().getLabels())
        .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(
            policy.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getMatchLabels())
        .containsEntry("globalfunc.io/client", "true");
    // The operator's own pods always get in: they switch running pods to a new commit.
    Deployment operator = only(objects, Deployment.class);
    var fromOperator = policy.getSpec().getIngress().get(1).getFrom().get(0);
    assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(fromOperator.getPodSelector().getMatchLabels());
    assertThat(fromOperator.getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", operator.getMetadata().getNamespace());

    List<HasMetadata> custom =
        template(
            "--set",
            "networkPolicy.enabled=true",
            "--set",
            "networkPolicy.from[0].namespaceSelector.matchLabels.team=ml");
    NetworkPolicy p = only(custom, NetworkPolicy.class);
    assertThat(
            p.getSpec()
                .getIngress()
                .get(0)
                .getFrom()
                .get(0)
                .getNamespaceSelector()
                .getMatchLabels())
        .containsEntry("team", "ml");
  }

  @Test
  void everyOperatorSettingIsAChartValue() {
    java.util.Map<String, String> env =
        operatorEnv(
            template("--set", "apiServer.startupWait=2m", "--set", "catalog.enabled=false"));
    assertThat(env)
        .containsEntry("GF_OPERATOR_API_SERVER_STARTUP_WAIT", "2m")
        .containsEntry("GF_OPERATOR_API_SERVER_CHECK_INTERVAL", "5s")
        .containsEntry("GF_CATALOG_ENABLED", "false")
        .containsEntry("GF_CATALOG_TIMEOUT", "5s");
  }

  @Test
  void theWorkerPodsBatchSecretIsMadeInEachWatchedNamespaceOrNamedWhenItExists() {
    List<HasMetadata> made = template("--set", "watch.namespaces={team-a,team-b}");
    List<Secret> secrets = batchSecrets(made);
    assertThat(secrets)
        .extracting(s -> s.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(secrets)
        .allMatch(s -> s.getMetadata().getName().equals("gf-globalfunc-operator-batch-redis"))
        .allMatch(s -> s.getStringData().get("redis-uri").equals("redis://redis:6379"));
    assertThat(operatorEnv(made))
        .containsEntry("GF_BATCH_REDIS_SECRET", "gf-globalfunc-operator-batch-redis")
        .containsEntry("GF_BATCH_REDIS_SECRET_KEY", "redis-uri");

    List<HasMetadata> existing =
        template("--set", "redis.existingSecret=redis-creds", "--set", "redis.secretKey=uri");
    assertThat(existing).noneMatch(o -> o instanceof Secret); // nor the operator's: it is named
    assertThat(operatorEnv(existing))
        .containsEntry("GF_BATCH_REDIS_SECRET", "redis-creds")
        .containsEntry("GF_BATCH_REDIS_SECRET_KEY", "uri");

    List<HasMetadata> off = template("--set", "batch.enabled=false");
    assertThat(batchSecrets(off)).isEmpty();
    assertThat(operatorEnv(off)).doesNotContainKey("GF_BATCH_REDIS_SECRET");
  }

  private static Secret uris(List<HasMetadata> objects) {
    return objects.stream()
        .filter(Secret.class::isInstance)
        .map(Secret.class::cast)
        .filter(s -> s.getMetadata().getName().endsWith("-uris"))
        .findFirst()
        .orElseThrow();
  }

  private static List<Secret> batchSecrets(List<HasMetadata> objects) {
    return objects.stream()
        .filter(Secret.class::isInstance)
        .map(Secret.class::cast)
        .filter(s -> !s.getMetadata().getName().endsWith("-uris"))
        .toList();
  }

  static java.util.Map<String, String> operatorEnv(List<HasMetadata> objects) {
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    only(objects, Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  @Test
  void theCrdUpgradeHookMayOnlyGetAndUpdateTheTwoGlobalFuncCrds() {
    List<HasMetadata> hooks = hooks("--namespace", "gf-system");
    assertThat(hooks)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Job");
    assertThat(hooks)
        .allSatisfy(
            o -> {
              var annotations = o.getMetadata().getAnnotations();
              assertThat(annotations.get("helm.sh/hook")).isEqualTo("pre-upgrade");
              // Gone once the hook succeeded: the right to write CRDs lasts one upgrade.
              assertThat(annotations.get("helm.sh/hook-delete-policy"))
                  .isEqualTo("before-hook-creation,hook-succeeded");
            });
    ClusterRole role = only(hooks, ClusterRole.class);
    assertThat(role.getMetadata().getName())
        .isEqualTo("gf-system-gf-globalfunc-operator-crd-upgrade");
    assertThat(role.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("apiextensions.k8s.io");
              assertThat(r.getResources()).containsExactly("customresourcedefinitions");
              assertThat(r.getResourceNames())
                  .containsExactly(
                      "functionreleases.globalfunc.io", "globalfuncworkers.globalfunc.io");
              assertThat(r.getVerbs()).containsExactly("get", "update");
            });
    Job job = only(hooks, Job.class);
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("gf-globalfunc-operator-crd-upgrade");
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    var c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("ghcr.io/globalfunc/globalfunc-operator:0.1.0");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getEnv())
        .anyMatch(e -> e.getName().equals("GF_OPERATOR_CRDS_ONLY") && e.getValue().equals("true"));

    assertThat(hooks("--set", "crdUpgrade.enabled=false")).isEmpty();
  }

  @Test
  void everyValueIsCommented() throws IOException {
    List<String> lines = Files.readAllLines(CHART.resolve("values.yaml"), StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.strip().startsWith("#") || line.strip().startsWith("- ")) {
        continue;
      }
      if (line.matches("\\s*[A-Za-z]+:.*")) {
        assertThat(i > 0 && lines.get(i - 1).strip().startsWith("#"))
            .as("values.yaml line %d (%s) has a comment above it", i + 1, line.strip())
            .isTrue();
      }
    }
  }

  static void assertLeastPrivilege(List<PolicyRule> rules) {
    for (PolicyRule r : rules) {
      assertThat(r.getVerbs())
          .doesNotContain("*", "deletecollection", "escalate", "bind", "impersonate");
      assertThat(r.getResources()).doesNotContain("*");
      assertThat(r.getApiGroups()).doesNotContain("*");
      if (r.getResources().contains("secrets")) {
        // get: one Secret by name; create: a worker's release token. Never list/watch (every
        // Secret of the namespace), update or delete.
        assertThat(r.getVerbs()).containsExactly("get", "create");
      }
    }
  }

  /** Every object but the leader-election Role and RoleBinding. */
  static List<HasMetadata> watchRoles(List<HasMetadata> objects) {
    return objects.stream()
        .filter(o -> !o.getMetadata().getName().endsWith("-leader-election"))
        .toList();
  }

  /**
   * Leader election may create Leases and get/update only the operator's own, in the release
   * namespace only: a second Role, whatever the watched namespaces are.
   */
  static void assertLeaderElectionRole(List<HasMetadata> objects, String namespace) {
    List<Role> roles =
        objects.stream()
            .filter(o -> o instanceof Role)
            .map(Role.class::cast)
            .filter(r -> r.getMetadata().getName().endsWith("-leader-election"))
            .toList();
    assertThat(roles).hasSize(1);
    assertThat(roles.get(0).getMetadata().getNamespace()).isEqualTo(namespace);
    assertThat(roles.get(0).getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("coordination.k8s.io");
              assertThat(r.getResources()).containsExactly("leases");
            })
        .anySatisfy(r -> assertThat(r.getVerbs()).containsExactly("create"))
        .anySatisfy(
            r -> {
              assertThat(r.getVerbs()).containsExactly("get", "update", "patch");
              assertThat(r.getResourceNames()).containsExactly("gf-globalfunc-operator");
            });
  }

  static <T> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as("exactly one %s", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  /** What {@code helm install} creates (hooks left out: they run around it). */
  static List<HasMetadata> template(String... args) {
    List<String> cmd = new ArrayList<>(List.of("--no-hooks"));
    cmd.addAll(List.of(args));
    return render(cmd.toArray(String[]::new));
  }

  /** Only the chart's hooks, as {@code helm upgrade} creates them before the upgrade. */
  static List<HasMetadata> hooks(String... args) {
    return render(args).stream()
        .filter(
            o ->
                o.getMetadata().getAnnotations() != null
                    && o.getMetadata().getAnnotations().containsKey("helm.sh/hook"))
        .toList();
  }

  private static List<HasMetadata> render(String... args) {
    // A helm built from its Go module assumes Kubernetes 1.20; the chart needs 1.25+ (CEL rules).
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "template", "gf", CHART.toString(), "--include-crds", "--kube-version", "1.30.0"));
    cmd.addAll(List.of(args));
    String out = helm(cmd.toArray(String[]::new));
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : out.split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
        objects.add(YAML.unmarshal(doc, HasMetadata.class));
      }
    }
    return objects;
  }

  static String helm(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(helmBinary());
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        fail("helm %s failed:%n%s", String.join(" ", args), out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot run helm: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The helm the build names, else the one scripts/install-helm.sh installs, else PATH. */
  static String helmBinary() {
    String configured = System.getProperty("gf.helm", "helm");
    List<Path> candidates = new ArrayList<>();
    if (configured.contains("/")) {
      candidates.add(Path.of(configured));
    }
    candidates.add(Path.of(System.getProperty("user.home"), ".local", "bin", "helm"));
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      candidates.add(Path.of(dir, configured));
    }
    return candidates.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .map(Path::toString)
        .orElseThrow(() -> new AssertionError("helm not found: run scripts/install-test-deps.sh"));
  }
}
