package io.globalfunc.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.KubeControlPlaneExtension;
import io.globalfunc.operator.kube.TestNamespace;
import io.globalfunc.operator.kube.Tool;
import io.globalfunc.operator.kube.node.LocalProcessNode;
import io.globalfunc.operator.support.Manifests;
import io.globalfunc.operator.support.RepoFiles;
import io.globalfunc.operator.worker.GlobalFuncWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Helm never upgrades {@code crds/}: the chart's pre-upgrade hook does. A release of an older chart
 * (its worker CRD without {@code tolerations}) is upgraded with the real {@code helm upgrade} to
 * the current chart; the hook Job's pod runs the operator jar on the test node under the hook's own
 * ServiceAccount, and afterwards the server keeps the new field.
 */
@ExtendWith(KubeControlPlaneExtension.class)
class CrdUpgradeIT {

  static final Path CHART = RepoFiles.resolve("charts/globalfunc-operator");
  static final String WORKER_CRD = "globalfuncworkers.globalfunc.io-v1.yml";
  static final String HOOK = "gf-globalfunc-operator-crd-upgrade";

  @TempDir Path tmp;

  @Test
  void helmUpgradeBringsAnOlderCrdToTheChartsThroughItsHook(KubeControlPlane kube, TestNamespace ns)
      throws Exception {
    Path older = olderChart();
    // The control plane is shared with other test classes, so the CRDs exist already and helm
    // install would skip chart N's: put chart N's worker CRD in place as its install had.
    kube.kubectl(
            "apply",
            "--server-side",
            "--force-conflicts",
            "-f",
            older.resolve("crds").resolve(WORKER_CRD).toString())
        .ok();
    KubernetesClient client = kube.adminClient();
    awaitSchema(client, false);
    assertThat(create(client, ns.name(), "before").getSpec().getTolerations())
        .as("pruned by the older schema")
        .isNullOrEmpty();

    try (LocalProcessNode node =
        LocalProcessNode.start(kube, "m7", OperatorFromChartIT.builtImages(), ns.name())) {
      // No operator replica: the upgrade of the CRDs is the hook's alone.
      helm(
              kube,
              "install",
              "gf",
              older.toString(),
              "--namespace",
              ns.name(),
              "--set",
              "replicaCount=0",
              "--wait")
          .ok();
      Tool.Result upgrade =
          helm(
              kube,
              "upgrade",
              "gf",
              CHART.toString(),
              "--namespace",
              ns.name(),
              "--set",
              "replicaCount=0",
              "--wait",
              "--timeout",
              "4m");
      assertThat(upgrade.exitCode())
          .as("%s%nhook pod logs:%n%s", upgrade.output(), node.logs(ns.name(), 60))
          .isZero();
    }

    List<Event> events = client.v1().events().inNamespace(ns.name()).list().getItems();
    assertThat(events)
        .as("the hook Job's pod ran to completion on the test node")
        .anyMatch(
            e ->
                HOOK.equals(e.getInvolvedObject().getName())
                    && "Job".equals(e.getInvolvedObject().getKind())
                    && "Completed".equals(e.getReason()));
    // hook-succeeded: the right to write CRDs lasted one upgrade.
    assertThat(client.serviceAccounts().inNamespace(ns.name()).withName(HOOK).get()).isNull();
    assertThat(client.rbac().clusterRoles().withName(ns.name() + "-" + HOOK).get()).isNull();

    awaitSchema(client, true);
    assertThat(create(client, ns.name(), "after").getSpec().getTolerations())
        .extracting("key")
        .containsExactly("nvidia.com/gpu");
  }

  /** The chart as an earlier version shipped it: version 0.0.9, no tolerations, no hook. */
  private Path olderChart() throws IOException {
    Path older = tmp.resolve("globalfunc-operator");
    try (Stream<Path> files = Files.walk(CHART)) {
      for (Path f : files.toList()) {
        Path to = older.resolve(CHART.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    Files.delete(older.resolve("templates/crd-upgrade.yaml"));
    Path chartYaml = older.resolve("Chart.yaml");
    Files.writeString(
        chartYaml, Files.readString(chartYaml).replaceFirst("(?m)^version: .*$", "version: 0.0.9"));
    KubernetesSerialization yaml = new KubernetesSerialization();
    Path crdFile = older.resolve("crds").resolve(WORKER_CRD);
    CustomResourceDefinition crd =
        yaml.unmarshal(Files.readString(crdFile), CustomResourceDefinition.class);
    crd.getSpec()
        .getVersions()
        .forEach(
            v ->
                v.getSchema()
                    .getOpenAPIV3Schema()
                    .getProperties()
                    .get("spec")
                    .getProperties()
                    .remove("tolerations"));
    Files.writeString(crdFile, yaml.asYaml(crd));
    return older;
  }

  private static Tool.Result helm(KubeControlPlane kube, String... args) {
    return Tool.run(Path.of(ChartIT.helmBinary()), kube.kubeconfig(), Arrays.asList(args));
  }

  private static GlobalFuncWorker create(KubernetesClient client, String ns, String name) {
    GlobalFuncWorker w = Manifests.seedWorker(ns, name, "lib", 0);
    w.getSpec()
        .setTolerations(
            List.of(
                new TolerationBuilder()
                    .withKey("nvidia.com/gpu")
                    .withOperator("Exists")
                    .withEffect("NoSchedule")
                    .build()));
    client.resource(w).create();
    return client.resources(GlobalFuncWorker.class).inNamespace(ns).withName(name).get();
  }

  /** Waits until the API server serves the CRD with or without the tolerations field. */
  private static void awaitSchema(KubernetesClient client, boolean withTolerations)
      throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      CustomResourceDefinition crd =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName("globalfuncworkers.globalfunc.io")
              .get();
      boolean has =
          crd != null
              && crd.getSpec()
                  .getVersions()
                  .get(0)
                  .getSchema()
                  .getOpenAPIV3Schema()
                  .getProperties()
                  .get("spec")
                  .getProperties()
                  .containsKey("tolerations");
      boolean established =
          crd != null
              && crd.getStatus() != null
              && crd.getStatus().getConditions().stream()
                  .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
      if (has == withTolerations && established) {
        Thread.sleep(1000); // the apiserver's handler for the new schema takes a moment
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("CRD schema not updated");
  }
}
