package io.globalfunc.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.KubeControlPlaneExtension;
import io.globalfunc.operator.kube.Tool;
import io.globalfunc.operator.kube.node.LocalProcessNode;
import io.globalfunc.operator.support.ExampleManifests;
import io.globalfunc.operator.support.GitFixture;
import io.globalfunc.operator.support.RepoFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "Commit to served" through the operator (bench/switch/run-operator.sh, never part of the test
 * suite): the chart-installed operator on a real API server, 3 worker pods run by the test node, a
 * client calling throughout. In one run, a commit pushed to the release's branch is served by every
 * pod (a) switched in place by the operator and (b) by a rolling restart (the same push together
 * with a template change, so the operator replaces the pods one at a time). Writes
 * operator/target/bench-switch-operator.json and prints the ratio.
 */
@ExtendWith(KubeControlPlaneExtension.class)
class OperatorSwitchBench {

  @Test
  void commitToServedInPlaceAgainstARollingRestart(KubeControlPlane kube) throws Exception {
    KubernetesClient client = kube.adminClient();
    String ns = kube.namespace("switch-bench");
    try (RedisServer redis = RedisServer.start();
        GitFixture git = GitFixture.create(OperatorFromChartIT.exampleLibrary());
        LocalProcessNode node =
            LocalProcessNode.start(kube, "m7", OperatorFromChartIT.builtImages(), ns)) {
      Tool.run(
              Path.of(ChartIT.helmBinary()),
              kube.kubeconfig(),
              Arrays.asList(
                  "install",
                  "gf",
                  RepoFiles.resolve("charts/globalfunc-operator").toString(),
                  "--namespace",
                  ns,
                  "--set",
                  "redis.uri=" + redis.uri(),
                  "--wait",
                  "--timeout",
                  "5m"))
          .ok();
      String release = ExampleManifests.release(git.url(), "1s");
      String worker = ExampleManifests.worker(1);
      kube.kubectl("apply", "-n", ns, "-f", OperatorFromChartIT.write("r.yaml", release)).ok();
      kube.kubectl("apply", "-n", ns, "-f", OperatorFromChartIT.write("w.yaml", worker)).ok();
      List<URI> calls = readyCalls(client, ns);
      HttpClient http = HttpClient.newHttpClient();

      double inPlace;
      double rolling;
      CallLoop.Tally inPlaceTally;
      CallLoop.Tally rollingTally;
      try (CallLoop loop = CallLoop.start(calls, 2)) {
        loop.awaitAnswers(20);
        long pushed = System.nanoTime();
        String next = git.commit(Map.of("Util/stamp.py", stamp("v2")), "v2");
        awaitServed(http, calls, next);
        inPlace = (System.nanoTime() - pushed) / 1e9;
        inPlaceTally = loop.stop();
      }
      Set<String> uids = uids(client, ns);

      // The baseline: the same push while the template changes, so every pod is replaced.
      try (CallLoop loop = CallLoop.start(calls, 2)) {
        loop.awaitAnswers(20);
        long pushed = System.nanoTime();
        String next = git.commit(Map.of("Util/stamp.py", stamp("v3")), "v3");
        kube.kubectl(
                "patch",
                "gfw/m7",
                "-n",
                ns,
                "--type",
                "merge",
                "-p",
                "{\"spec\":{\"env\":[{\"name\":\"BENCH_ROUND\",\"value\":\"3\"}]}}")
            .ok();
        // New pods keep their ports but are new processes; ask the pods Kubernetes lists.
        await()
            .atMost(Duration.ofMinutes(10))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  List<Pod> pods = pods(client, ns);
                  return pods.size() == 3
                      && pods.stream().noneMatch(p -> uids.contains(p.getMetadata().getUid()))
                      && pods.stream().allMatch(OperatorFromChartIT::ready)
                      && callsOf(pods).stream()
                          .allMatch(u -> next.equals(OperatorFromChartIT.commitOf(http, u)));
                });
        rolling = (System.nanoTime() - pushed) / 1e9;
        rollingTally = loop.stop();
      }
      String json =
          String.format(
              "{\"pods\":3,\"inPlaceSeconds\":%.2f,\"rollingSeconds\":%.2f,\"ratio\":%.3f,"
                  + "\"inPlaceFailedCalls\":%d,\"inPlaceRetries\":%d,"
                  + "\"rollingFailedCalls\":%d,\"rollingRetries\":%d}",
              inPlace,
              rolling,
              inPlace / rolling,
              inPlaceTally.failed().size(),
              inPlaceTally.retries(),
              rollingTally.failed().size(),
              rollingTally.retries());
      Files.writeString(Path.of("target", "bench-switch-operator.json"), json);
      System.out.println("bench-switch-operator " + json);
      assertThat(inPlaceTally.failed()).isEmpty();
    } finally {
      client.close();
    }
  }

  static String stamp(String version) {
    return "def stamp() -> str:\n    return \"" + version + "\"\n";
  }

  static List<Pod> pods(KubernetesClient client, String ns) {
    return client.pods().inNamespace(ns).withLabel("globalfunc.io/worker", "m7").list().getItems();
  }

  static Set<String> uids(KubernetesClient client, String ns) {
    Set<String> uids = new HashSet<>();
    pods(client, ns).forEach(p -> uids.add(p.getMetadata().getUid()));
    return uids;
  }

  static List<URI> callsOf(List<Pod> pods) {
    return pods.stream()
        .map(
            p ->
                URI.create(
                    "http://"
                        + p.getStatus().getPodIP()
                        + ":"
                        + OperatorFromChartIT.port(p)
                        + "/v1/functions/Util/mean"))
        .toList();
  }

  static List<URI> readyCalls(KubernetesClient client, String ns) {
    return callsOf(
        await()
            .atMost(Duration.ofMinutes(5))
            .until(
                () -> pods(client, ns),
                l -> l.size() == 3 && l.stream().allMatch(OperatorFromChartIT::ready)));
  }

  static void awaitServed(HttpClient http, List<URI> calls, String commit) {
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                calls.stream().allMatch(u -> commit.equals(OperatorFromChartIT.commitOf(http, u))));
  }
}
