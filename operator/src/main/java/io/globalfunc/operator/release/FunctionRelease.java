package io.globalfunc.operator.release;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Git branch of functions resolved to a pinned commit and written to the catalog. */
@Group("globalfunc.io")
@Version("v1alpha1")
@ShortNames("gfr")
@AdditionalPrinterColumn(
    name = "Branch",
    jsonPath = ".spec.branch",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Commit",
    jsonPath = ".status.commit",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Functions",
    jsonPath = ".status.functions",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class FunctionRelease extends CustomResource<FunctionReleaseSpec, FunctionReleaseStatus>
    implements Namespaced {

  public static final String GROUP = "globalfunc.io";

  // No initStatus(): a status that the API server does not hold yet must stay null here, so the
  // first status patch adds /status as a whole instead of fields under a missing parent.
}
