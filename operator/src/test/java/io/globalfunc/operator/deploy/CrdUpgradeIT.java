package io.globalfunc.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.KubeControlPlaneExtension;
import io.globalfunc.operator.kube.TestNamespace;
import io.globalfunc.operator.support.Manifests;
import io.globalfunc.operator.support.RepoFiles;
import io.globalfunc.operator.worker.GlobalFuncWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Helm never upgrades {@code crds/}: the documented upgrade step (docs/operator.md, "Upgrade")
 * brings a cluster's older CRD to the chart's, so new fields stop being pruned.
 */
@ExtendWith(KubeControlPlaneExtension.class)
class CrdUpgradeIT {

  static final Path CHART_CRDS = RepoFiles.resolve("charts/globalfunc-operator/crds");
  static final Path WORKER_CRD = CHART_CRDS.resolve("globalfuncworkers.globalfunc.io-v1.yml");

  @TempDir Path tmp;

  @Test
  void theDocumentedStepUpgradesAnOlderCrd(KubeControlPlane kube, TestNamespace ns)
      throws Exception {
    KubernetesSerialization yaml = new KubernetesSerialization();
    CustomResourceDefinition older =
        yaml.unmarshal(Files.readString(WORKER_CRD), CustomResourceDefinition.class);
    // The CRD as an earlier chart shipped it: without the pod options.
    older
        .getSpec()
        .getVersions()
        .forEach(
            v ->
                v.getSchema()
                    .getOpenAPIV3Schema()
                    .getProperties()
                    .get("spec")
                    .getProperties()
                    .remove("tolerations"));
    Path olderFile = tmp.resolve("older.yml");
    Files.writeString(olderFile, yaml.asYaml(older));
    kube.kubectl("apply", "--server-side", "--force-conflicts", "-f", olderFile.toString()).ok();
    KubernetesClient client = kube.adminClient();
    awaitSchema(client, false);
    assertThat(create(client, ns.name(), "before").getSpec().getTolerations())
        .as("pruned by the older schema")
        .isNullOrEmpty();

    // docs/operator.md, "Upgrade": apply the chart's CRDs before helm upgrade.
    kube.kubectl("apply", "--server-side", "--force-conflicts", "-f", CHART_CRDS.toString()).ok();
    awaitSchema(client, true);
    assertThat(create(client, ns.name(), "after").getSpec().getTolerations())
        .extracting("key")
        .containsExactly("nvidia.com/gpu");
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
