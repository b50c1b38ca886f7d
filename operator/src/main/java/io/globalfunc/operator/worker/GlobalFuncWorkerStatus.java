package io.globalfunc.operator.worker;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed for a GlobalFuncWorker. */
public class GlobalFuncWorkerStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Pods that exist for this worker.")
  @StatusReplicas
  private Integer replicas;

  @JsonPropertyDescription("Pods that are Ready.")
  private Integer readyReplicas;

  @JsonPropertyDescription(
      "The release commit every pod serves; while pods switch in place, the one they served last.")
  private String commit;

  @JsonPropertyDescription("Label selector of the pods, for the scale subresource and HPAs.")
  @LabelSelector
  private String selector;

  @JsonPropertyDescription("Ports held by this worker, one per replica, kept across pod restarts.")
  private List<Integer> ports = new ArrayList<>();

  @JsonPropertyDescription("The space the endpoints are registered under in Redis.")
  private String endpointSpace;

  @JsonPropertyDescription("Ready pods as registered in Redis.")
  private List<Endpoint> endpoints = new ArrayList<>();

  @JsonPropertyDescription(
      "Who consumes the release's durable batches on these pods (the batch agent and the Secret"
          + " it reads the Redis URI from), or why nobody does.")
  private String batches;

  @JsonPropertyDescription(
      "Ready, Progressing, Degraded (reasons PortRangeExhausted, ReleaseNotReady, InvalidSpec, ...)"
          + " and RedisUnavailable.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getCommit() {
    return commit;
  }

  public void setCommit(String commit) {
    this.commit = commit;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public List<Integer> getPorts() {
    return ports;
  }

  public void setPorts(List<Integer> ports) {
    this.ports = ports;
  }

  public String getEndpointSpace() {
    return endpointSpace;
  }

  public void setEndpointSpace(String endpointSpace) {
    this.endpointSpace = endpointSpace;
  }

  public String getBatches() {
    return batches;
  }

  public void setBatches(String batches) {
    this.batches = batches;
  }

  public List<Endpoint> getEndpoints() {
    return endpoints;
  }

  public void setEndpoints(List<Endpoint> endpoints) {
    this.endpoints = endpoints;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  /** One Ready pod as callers reach it. */
  public static class Endpoint {

    @JsonPropertyDescription("Pod name.")
    private String pod;

    @JsonPropertyDescription("Node the pod runs on.")
    private String node;

    @JsonPropertyDescription("Address to call: the node IP when hostPort is on, else the pod IP.")
    private String host;

    @JsonPropertyDescription("The pod's port.")
    private Integer port;

    @JsonPropertyDescription(
        "The commit the pod serves (switched in place when the release moves).")
    private String commit;

    public Endpoint() {}

    public Endpoint(String pod, String node, String host, Integer port, String commit) {
      this.pod = pod;
      this.node = node;
      this.host = host;
      this.port = port;
      this.commit = commit;
    }

    public String getCommit() {
      return commit;
    }

    public void setCommit(String commit) {
      this.commit = commit;
    }

    public String getPod() {
      return pod;
    }

    public void setPod(String pod) {
      this.pod = pod;
    }

    public String getNode() {
      return node;
    }

    public void setNode(String node) {
      this.node = node;
    }

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }
  }
}
