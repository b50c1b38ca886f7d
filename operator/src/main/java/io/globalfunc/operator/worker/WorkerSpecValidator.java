package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks the CRD schema makes, repeated in code: an API server without the schema (or an old
 * CRD) must still not make the operator crash-loop on a bad spec. Pure.
 */
public final class WorkerSpecValidator {

  private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final Pattern QUANTITY = Pattern.compile(GlobalFuncWorkerSpec.QUANTITY);

  private WorkerSpecValidator() {}

  /** Every problem with the worker, empty when it is valid. */
  public static List<String> problems(GlobalFuncWorker worker) {
    List<String> problems = new ArrayList<>();
    String name = worker.getMetadata().getName();
    if (name == null || !DNS_1035.matcher(name).matches()) {
      problems.add("name must be a DNS-1035 label (it names the Service): " + name);
    }
    GlobalFuncWorkerSpec spec = worker.getSpec();
    if (spec == null) {
      problems.add("spec is required");
      return problems;
    }
    if (blank(spec.getRelease())) {
      problems.add("spec.release is required");
    }
    if (blank(spec.getImage())) {
      problems.add("spec.image is required");
    }
    if (blank(spec.getVersion())) {
      problems.add("spec.version is required");
    }
    if (spec.getReplicas() == null || spec.getReplicas() < 0) {
      problems.add("spec.replicas must be >= 0");
    }
    if (spec.getPythonWorkers() == null || spec.getPythonWorkers() < 1) {
      problems.add("spec.pythonWorkers must be >= 1");
    }
    var res = spec.getResources();
    if (res == null || blank(res.getMemory())) {
      problems.add("spec.resources.memory is required");
    } else {
      if (!QUANTITY.matcher(res.getMemory()).matches() || !positive(res.getMemory())) {
        problems.add(
            "spec.resources.memory must be a positive quantity, e.g. 30Gi: " + res.getMemory());
      }
      if (res.getCpu() != null && !QUANTITY.matcher(res.getCpu()).matches()) {
        problems.add("spec.resources.cpu must be a quantity, e.g. 2 or 500m: " + res.getCpu());
      }
      if (res.getGpu() == null || res.getGpu() < 0) {
        problems.add("spec.resources.gpu must be >= 0");
      }
    }
    var ports = spec.getPorts();
    if (ports == null || ports.getFrom() == null || ports.getTo() == null) {
      problems.add("spec.ports.from and spec.ports.to are required");
    } else {
      if (ports.getFrom() < 1024 || ports.getTo() > 65535) {
        problems.add("spec.ports must lie inside 1024-65535");
      }
      if (ports.getFrom() > ports.getTo()) {
        problems.add("spec.ports.from must be <= spec.ports.to");
      }
    }
    podOptionProblems(spec, problems);
    limitProblems(spec, problems);
    return problems;
  }

  /** Worker recycling and the bounds of warm commits, as the schema bounds them. */
  private static void limitProblems(GlobalFuncWorkerSpec spec, List<String> problems) {
    if (spec.getMaxCallsPerWorker() != null && spec.getMaxCallsPerWorker() < 0) {
      problems.add("spec.maxCallsPerWorker must be >= 0 (0: never, 1: strict mode)");
    }
    VersionsSpec v = spec.getVersions();
    if (v == null) {
      return;
    }
    outside("spec.versions.maxCommits", v.getMaxCommits(), 1, 64, problems);
    outside("spec.versions.workerBudget", v.getWorkerBudget(), 1, 1024, problems);
    outside("spec.versions.commitIdleSeconds", v.getCommitIdleSeconds(), 1, 604800, problems);
    boolean oneCommit = v.getMaxCommits() != null && v.getMaxCommits() == 1;
    if (v.getWorkerBudget() != null
        && spec.getPythonWorkers() != null
        && v.getWorkerBudget() <= spec.getPythonWorkers()
        && !oneCommit) {
      problems.add(
          "spec.versions.workerBudget must exceed spec.pythonWorkers unless"
              + " spec.versions.maxCommits is 1: "
              + v.getWorkerBudget());
    }
  }

  private static void outside(String field, Integer value, int min, int max, List<String> out) {
    if (value != null && (value < min || value > max)) {
      out.add(field + " must lie inside " + min + "-" + max + ": " + value);
    }
  }

  /** Pod options may add to the pod, never take over what the operator sets. */
  private static void podOptionProblems(GlobalFuncWorkerSpec spec, List<String> problems) {
    if (spec.getEnv() != null) {
      for (var e : spec.getEnv()) {
        String n = e == null ? null : e.getName();
        if (blank(n) || n.startsWith("GF_") || n.startsWith("QUARKUS_")) {
          problems.add("spec.env may not set GF_* or QUARKUS_* variables (or unnamed ones): " + n);
        }
      }
    }
    if (spec.getPodLabels() != null) {
      for (String k : spec.getPodLabels().keySet()) {
        if (k.startsWith("app.kubernetes.io/") || k.startsWith("globalfunc.io/")) {
          problems.add(
              "spec.podLabels may not use app.kubernetes.io/ or globalfunc.io/ keys: " + k);
        }
      }
    }
    if (spec.getPodAnnotations() != null) {
      for (String k : spec.getPodAnnotations().keySet()) {
        if (k.startsWith("globalfunc.io/")) {
          problems.add("spec.podAnnotations may not use globalfunc.io/ keys: " + k);
        }
      }
    }
    if (spec.getPriorityClassName() != null
        && !DNS_1123.matcher(spec.getPriorityClassName()).matches()) {
      problems.add("spec.priorityClassName must be a DNS name: " + spec.getPriorityClassName());
    }
  }

  private static boolean positive(String q) {
    try {
      return Quantity.getAmountInBytes(new Quantity(q)).signum() > 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
