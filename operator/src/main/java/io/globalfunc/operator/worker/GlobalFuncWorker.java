package io.globalfunc.operator.worker;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A fleet of runtime pods serving one FunctionRelease, one pod per replica on its own port. */
@Group("globalfunc.io")
@Version("v1alpha1")
@ShortNames("gfw")
@AdditionalPrinterColumn(
    name = "Release",
    jsonPath = ".spec.release",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Commit",
    jsonPath = ".status.commit",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Version",
    jsonPath = ".spec.version",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".spec.replicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readyReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class GlobalFuncWorker extends CustomResource<GlobalFuncWorkerSpec, GlobalFuncWorkerStatus>
    implements Namespaced {

  // No initStatus(): a status that the API server does not hold yet must stay null here, so the
  // first status patch adds /status as a whole instead of fields under a missing parent.

  /**
   * This worker as the controlling owner of what the operator creates for it (pods, its Service,
   * its release-token Secret), so they are garbage-collected with it.
   */
  @JsonIgnore
  public OwnerReference asOwner() {
    return new OwnerReferenceBuilder()
        .withApiVersion(getApiVersion())
        .withKind(getKind())
        .withName(getMetadata().getName())
        .withUid(getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
