package io.globalfunc.operator.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.globalfunc.operator.common.EventRecorder;
import io.globalfunc.operator.common.Labels;
import io.globalfunc.operator.common.Reason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Moves a worker's Ready pods to the release's commit in place: {@code POST /v1/release} to each
 * runtime with the worker's release token, all pods at once, then records the commit each now
 * serves on its pod ({@link Labels#COMMIT}, which also starts a restarted container there). The
 * commit is not part of the pod template, so a new commit rolls no pod; pods whose template changed
 * are left to the rollout, which recreates them at the new commit anyway.
 */
final class ReleaseSwitcher {

  private static final Logger LOG = Logger.getLogger(ReleaseSwitcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param switchNow Ready, up-to-date pods serving another commit than the release's
   * @param serving pods (Ready or not, not going away) by the commit they serve
   */
  record Plan(List<Pod> switchNow, Map<String, Integer> serving) {

    /** True when every pod counted serves {@code commit}. */
    boolean allServe(String commit) {
      return serving.keySet().stream().allMatch(commit::equals);
    }
  }

  /** One pod's switch that did not happen, and what the runtime (or the network) said. */
  record Failure(String pod, String message) {}

  /** What a reconcile's switch did: pods moved and pods that could not be moved. */
  record Outcome(List<String> switched, List<Failure> failed) {
    static final Outcome NONE = new Outcome(List.of(), List.of());
  }

  private final KubernetesClient client;
  private final EventRecorder events;
  private final HttpClient http;

  ReleaseSwitcher(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * The reconcile step: moves the Ready, up-to-date pods of {@code worker} that serve another
   * commit to the release's, in place; each switch and each failure is an Event (a failed pod keeps
   * its commit and is asked again on the next reconcile).
   */
  Outcome switchReady(
      GlobalFuncWorker worker,
      ReleaseView release,
      Map<Integer, Pod> desired,
      Map<Integer, Pod> live,
      String token) {
    List<Pod> due = plan(release.commit(), desired, live).switchNow();
    // As long as a pod may take to drain: the runtime answers once the new commit's workers are up.
    Duration timeout =
        Duration.ofSeconds(WorkerPodBuilder.gracePeriodSeconds(worker.getSpec()) + 15L);
    Outcome outcome = apply(due, release.commit(), token, timeout, live);
    outcome
        .switched()
        .forEach(
            pod ->
                events.normal(
                    worker,
                    Reason.SWITCHED_IN_PLACE,
                    "pod " + pod + " serves " + release.commit() + " (switched in place)"));
    outcome
        .failed()
        .forEach(
            f ->
                events.warning(
                    worker,
                    Reason.SWITCH_FAILED,
                    "pod "
                        + f.pod()
                        + " did not switch to "
                        + release.commit()
                        + ": "
                        + f.message()));
    return outcome;
  }

  /**
   * Which pods to switch to {@code commit}: Ready ones whose template is the desired one (same spec
   * hash as {@code desired} on their port) and that record another commit. Terminating pods are
   * neither switched nor counted.
   */
  static Plan plan(String commit, Map<Integer, Pod> desired, Map<Integer, Pod> live) {
    List<Pod> switchNow = new ArrayList<>();
    Map<String, Integer> serving = new LinkedHashMap<>();
    live.forEach(
        (port, pod) -> {
          if (RolloutPlanner.terminating(pod)) {
            return;
          }
          String served = served(pod);
          serving.merge(served, 1, Integer::sum);
          Pod want = desired.get(port);
          if (!commit.equals(served)
              && want != null
              && hash(want).equals(hash(pod))
              && GlobalFuncWorkerReconciler.ready(pod)) {
            switchNow.add(pod);
          }
        });
    return new Plan(List.copyOf(switchNow), Map.copyOf(serving));
  }

  /**
   * {@code GF_COMMIT} from the pod's commit annotation (downward API): the value is fixed when a
   * container starts, the template stays the same for every commit.
   */
  static EnvVar commitEnv() {
    return new EnvVarBuilder()
        .withName("GF_COMMIT")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.annotations['" + Labels.COMMIT + "']")
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  /** The commit a pod serves, as last recorded on it ("" when none is). */
  static String served(Pod pod) {
    var a = pod.getMetadata().getAnnotations();
    return a == null ? "" : a.getOrDefault(Labels.COMMIT, "");
  }

  /**
   * Switches every pod of {@code pods} to {@code commit} concurrently and waits for all; a pod that
   * answered gets its annotation patched, and its entry in {@code live} is replaced by the patched
   * pod so the rest of the reconcile (endpoints, status) sees the commit it serves now.
   */
  Outcome apply(
      Collection<Pod> pods, String commit, String token, Duration timeout, Map<Integer, Pod> live) {
    if (pods.isEmpty()) {
      return Outcome.NONE;
    }
    Map<Pod, CompletableFuture<String>> asked = new LinkedHashMap<>();
    pods.forEach(pod -> asked.put(pod, ask(pod, commit, token, timeout)));
    List<String> switched = new ArrayList<>();
    List<Failure> failed = new ArrayList<>();
    asked.forEach(
        (pod, answer) -> {
          String name = pod.getMetadata().getName();
          try {
            String now = answer.join();
            live.put(GlobalFuncWorkerReconciler.port(pod), annotate(pod, now));
            switched.add(name);
          } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.warnf("pod %s did not switch to %s: %s", name, commit, cause.getMessage());
            failed.add(new Failure(name, String.valueOf(cause.getMessage())));
          }
        });
    return new Outcome(List.copyOf(switched), List.copyOf(failed));
  }

  /** {@code POST /v1/release {"ref": commit}}; completes with the commit the runtime now serves. */
  private CompletableFuture<String> ask(Pod pod, String commit, String token, Duration timeout) {
    URI uri =
        URI.create(
            "http://"
                + pod.getStatus().getPodIP()
                + ":"
                + GlobalFuncWorkerReconciler.port(pod)
                + "/v1/release");
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString("{\"ref\":\"" + commit + "\"}"))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> servedCommit(r, commit));
  }

  /** The commit a 200 answer names (it must be the one asked for); else the problem's words. */
  private static String servedCommit(HttpResponse<String> r, String commit) {
    String detail = r.body();
    try {
      JsonNode body = JSON.readTree(r.body());
      if (r.statusCode() == 200 && commit.equals(body.path("commit").asText())) {
        return commit;
      }
      detail = body.path("detail").asText(body.path("commit").asText(r.body()));
    } catch (java.io.IOException notJson) {
      // keep the raw body as the message
    }
    throw new IllegalStateException("the runtime answered " + r.statusCode() + ": " + detail);
  }

  /** Records on the pod that it serves {@code commit}; returns the pod as patched. */
  private Pod annotate(Pod pod, String commit) {
    String patch =
        "{\"metadata\":{\"annotations\":{\"" + Labels.COMMIT + "\":\"" + commit + "\"}}}";
    return client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  private static String hash(Pod pod) {
    var a = pod.getMetadata().getAnnotations();
    return a == null ? "" : a.getOrDefault(Labels.SPEC_HASH, "");
  }
}
