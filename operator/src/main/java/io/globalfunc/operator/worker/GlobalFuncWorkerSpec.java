package io.globalfunc.operator.worker;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a GlobalFuncWorker asks for: which release, which image, how many pods, how big, and where
 * and how its pods may be scheduled.
 */
@ValidationRule(
    value = GlobalFuncWorkerSpec.WORKER_BUDGET_RULE,
    message = "versions.workerBudget must exceed pythonWorkers unless versions.maxCommits is 1")
public class GlobalFuncWorkerSpec {

  /** The release's commit keeps pythonWorkers: another warm commit needs at least one more. */
  static final String WORKER_BUDGET_RULE =
      "!has(self.versions) || !has(self.versions.workerBudget)"
          + " || self.versions.workerBudget > self.pythonWorkers"
          + " || (has(self.versions.maxCommits) && self.versions.maxCommits == 1)";

  /** A Kubernetes quantity (the subset used for memory and cpu). */
  public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$";

  @JsonPropertyDescription(
      "Name of the FunctionRelease (same namespace) whose pinned commit the pods serve.")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String release;

  @JsonPropertyDescription(
      "The runtime image without tag, e.g. myregistry.domain.com:24052/worker.andy.globalfunc.")
  @Required
  @Pattern("^[^:@\\s]+(:[0-9]+)?(/[^:@\\s]+)*$")
  private String image;

  @JsonPropertyDescription("The image tag, the seed's version, e.g. v101; part of every pod name.")
  @Required
  @Pattern("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
  private String version;

  @JsonPropertyDescription(
      "Number of pods; each gets its own port. Scalable with kubectl scale or an HPA.")
  @SpecReplicas
  @Min(0)
  @Default("1")
  private Integer replicas = 1;

  @JsonPropertyDescription("Resource limits of the runtime container.")
  @Required
  private Resources resources;

  @JsonPropertyDescription(
      "The port range pods take their ports from (unique among the namespace's workers).")
  @ValidationRule(value = "self.from <= self.to", message = "ports.from must be <= ports.to")
  private PortRange ports = new PortRange();

  @JsonPropertyDescription(
      "Optional node to run on (matched against kubernetes.io/hostname); also the first part of pod names.")
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String node;

  @JsonPropertyDescription("Extra node selector labels for the pods.")
  private Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "Also publish each pod's port on its node (hostPort), as the seed's containers did. Needs a"
          + " namespace whose Pod Security admission allows host ports.")
  @Default("false")
  private Boolean hostPort = false;

  @JsonPropertyDescription("Python worker processes per pod (GF_PYTHON_WORKERS).")
  @Min(1)
  @Max(256)
  @Default("2")
  private Integer pythonWorkers = 2;

  @JsonPropertyDescription("Optional per-call timeout in seconds (GF_TIMEOUT).")
  @Min(1)
  private Integer timeoutSeconds;

  @JsonPropertyDescription(
      "Replace a Python worker after this many calls (GF_MAX_CALLS_PER_WORKER; default 0, never)."
          + " 1 is strict mode: every call gets a fresh process, so calls of one library cannot"
          + " reach each other's state, at the price of Python's start-up per call.")
  @Min(0)
  private Integer maxCallsPerWorker;

  @JsonPropertyDescription(
      "Calls by branch, tag or commit (the release's refs): the commits a pod keeps warm and the"
          + " Python workers they share. Memory: a pod may run up to workerBudget Python processes.")
  private VersionsSpec versions;

  @JsonPropertyDescription(
      "Secrets (same namespace) holding credentials of the registry the image is pulled from.")
  private List<LocalObjectReference> imagePullSecrets = new ArrayList<>();

  @JsonPropertyDescription(
      "Tolerations of the pods, e.g. for tainted GPU nodes (key nvidia.com/gpu, effect"
          + " NoSchedule).")
  private List<Toleration> tolerations = new ArrayList<>();

  @JsonPropertyDescription("Node and pod (anti-)affinity of the pods.")
  private Affinity affinity;

  @JsonPropertyDescription(
      "Extra environment variables of the runtime container (its Python workers see them unless"
          + " they look like credentials). GF_* and QUARKUS_* are the operator's; TZ overrides the"
          + " default UTC.")
  @ValidationRule(
      value = "self.all(e, !e.name.startsWith('GF_') && !e.name.startsWith('QUARKUS_'))",
      message = "env may not set GF_* or QUARKUS_* variables: the operator sets them")
  @Size(max = 128) // bounds the CEL rule's cost, as the API server requires
  private List<EnvVar> env = new ArrayList<>();

  @JsonPropertyDescription(
      "Extra labels of the pods. Keys under app.kubernetes.io/ and globalfunc.io/ are the"
          + " operator's.")
  @ValidationRule(
      value = "self.all(k, !k.startsWith('app.kubernetes.io/') && !k.startsWith('globalfunc.io/'))",
      message = "podLabels may not use app.kubernetes.io/ or globalfunc.io/ keys")
  @Size(max = 64)
  private Map<String, String> podLabels = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "Extra annotations of the pods, e.g. for a service mesh or log shipping. Keys under"
          + " globalfunc.io/ are the operator's.")
  @ValidationRule(
      value = "self.all(k, !k.startsWith('globalfunc.io/'))",
      message = "podAnnotations may not use globalfunc.io/ keys")
  @Size(max = 64)
  private Map<String, String> podAnnotations = new LinkedHashMap<>();

  @JsonPropertyDescription("PriorityClass of the pods (a cluster-scoped PriorityClass name).")
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String priorityClassName;

  @JsonPropertyDescription(
      "Durable batches: the batch agent container and the Redis Secret only it mounts.")
  private BatchSpec batch = new BatchSpec();

  public String getRelease() {
    return release;
  }

  public void setRelease(String release) {
    this.release = release;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Resources getResources() {
    return resources;
  }

  public void setResources(Resources resources) {
    this.resources = resources;
  }

  public PortRange getPorts() {
    return ports;
  }

  public void setPorts(PortRange ports) {
    this.ports = ports;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public Boolean getHostPort() {
    return hostPort;
  }

  public void setHostPort(Boolean hostPort) {
    this.hostPort = hostPort;
  }

  public Integer getPythonWorkers() {
    return pythonWorkers;
  }

  public void setPythonWorkers(Integer pythonWorkers) {
    this.pythonWorkers = pythonWorkers;
  }

  public Integer getTimeoutSeconds() {
    return timeoutSeconds;
  }

  public void setTimeoutSeconds(Integer timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  public Integer getMaxCallsPerWorker() {
    return maxCallsPerWorker;
  }

  public void setMaxCallsPerWorker(Integer maxCallsPerWorker) {
    this.maxCallsPerWorker = maxCallsPerWorker;
  }

  public VersionsSpec getVersions() {
    return versions;
  }

  public void setVersions(VersionsSpec versions) {
    this.versions = versions;
  }

  public List<LocalObjectReference> getImagePullSecrets() {
    return imagePullSecrets;
  }

  public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public Map<String, String> getPodLabels() {
    return podLabels;
  }

  public void setPodLabels(Map<String, String> podLabels) {
    this.podLabels = podLabels;
  }

  public Map<String, String> getPodAnnotations() {
    return podAnnotations;
  }

  public void setPodAnnotations(Map<String, String> podAnnotations) {
    this.podAnnotations = podAnnotations;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public BatchSpec getBatch() {
    return batch;
  }

  public void setBatch(BatchSpec batch) {
    this.batch = batch;
  }

  /** Limits of the runtime container; memory and gpu also name the pods. */
  public static class Resources {

    @JsonPropertyDescription("Memory limit (and request) as a quantity, e.g. 30Gi.")
    @Required
    @Pattern(QUANTITY)
    private String memory;

    @JsonPropertyDescription("Optional CPU limit (and request) as a quantity, e.g. 2 or 500m.")
    @Pattern(QUANTITY)
    private String cpu;

    @JsonPropertyDescription("Number of GPUs (nvidia.com/gpu); 0 for none.")
    @Min(0)
    @Default("0")
    private Integer gpu = 0;

    public String getMemory() {
      return memory;
    }

    public void setMemory(String memory) {
      this.memory = memory;
    }

    public String getCpu() {
      return cpu;
    }

    public void setCpu(String cpu) {
      this.cpu = cpu;
    }

    public Integer getGpu() {
      return gpu;
    }

    public void setGpu(Integer gpu) {
      this.gpu = gpu;
    }
  }

  /** An inclusive port range inside 1024-65535. */
  public static class PortRange {

    @JsonPropertyDescription("First port of the range (inclusive).")
    @Min(1024)
    @Max(65535)
    @Default("26000")
    private Integer from = 26000;

    @JsonPropertyDescription("Last port of the range (inclusive).")
    @Min(1024)
    @Max(65535)
    @Default("27000")
    private Integer to = 27000;

    public PortRange() {}

    public PortRange(int from, int to) {
      this.from = from;
      this.to = to;
    }

    public Integer getFrom() {
      return from;
    }

    public void setFrom(Integer from) {
      this.from = from;
    }

    public Integer getTo() {
      return to;
    }

    public void setTo(Integer to) {
      this.to = to;
    }
  }
}
