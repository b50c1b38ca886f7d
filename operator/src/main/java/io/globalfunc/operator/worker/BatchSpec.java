package io.globalfunc.operator.worker;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * {@code spec.batch} of a GlobalFuncWorker: the batch agent container that lets the pods take part
 * in the release's durable batches, and the Secret holding the Redis URI that only it mounts.
 */
public class BatchSpec {

  @JsonPropertyDescription(
      "Run a batch agent container in each pod, consuming the release's durable batches from"
          + " Redis and running them on the pod's runtime container. Default: on when a Redis"
          + " Secret is known (redisSecretRef, or the operator's default the Helm chart sets);"
          + " false turns it off.")
  private Boolean enabled;

  @JsonPropertyDescription(
      "The Secret (same namespace) and key holding the Redis URI of the release's batches. Only"
          + " the batch agent mounts it, as a file; the runtime container and its Python workers"
          + " never see it. Default: the operator's (the Helm chart's <fullname>-batch-redis Secret).")
  private RedisSecretRef redisSecretRef;

  @JsonPropertyDescription(
      "Stream tasks (up to 256 items each) the agent holds at once; the runtime runs their items"
          + " on its batch share of Python workers, behind interactive calls.")
  @Min(1)
  @Max(1024)
  @Default("8")
  private Integer tasks = 8;

  @JsonPropertyDescription("Resources of the batch agent container (a small JVM).")
  private AgentResources resources = new AgentResources();

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public RedisSecretRef getRedisSecretRef() {
    return redisSecretRef;
  }

  public void setRedisSecretRef(RedisSecretRef redisSecretRef) {
    this.redisSecretRef = redisSecretRef;
  }

  public Integer getTasks() {
    return tasks;
  }

  public void setTasks(Integer tasks) {
    this.tasks = tasks;
  }

  public AgentResources getResources() {
    return resources;
  }

  public void setResources(AgentResources resources) {
    this.resources = resources;
  }

  /** A key of a Secret in the worker's namespace. */
  public static class RedisSecretRef {

    @JsonPropertyDescription("Name of the Secret.")
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    private String name;

    @JsonPropertyDescription("Key of the Redis URI inside the Secret.")
    @Pattern("^[-._a-zA-Z0-9]+$")
    @Default("redis-uri")
    private String key = "redis-uri";

    public RedisSecretRef() {}

    public RedisSecretRef(String name, String key) {
      this.name = name;
      this.key = key;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getKey() {
      return key;
    }

    public void setKey(String key) {
      this.key = key;
    }
  }

  /** Memory (limit and request) and optional CPU of the agent container. */
  public static class AgentResources {

    @JsonPropertyDescription("Memory limit (and request) of the agent, e.g. 384Mi.")
    @Pattern(GlobalFuncWorkerSpec.QUANTITY)
    @Default("384Mi")
    private String memory = "384Mi";

    @JsonPropertyDescription("Optional CPU limit of the agent (request 50m), e.g. 500m.")
    @Pattern(GlobalFuncWorkerSpec.QUANTITY)
    private String cpu;

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
  }
}
