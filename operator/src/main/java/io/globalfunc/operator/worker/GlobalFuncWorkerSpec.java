package io.globalfunc.operator.worker;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a GlobalFuncWorker asks for: which release, which image, how many pods, how big. */
public class GlobalFuncWorkerSpec {

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
