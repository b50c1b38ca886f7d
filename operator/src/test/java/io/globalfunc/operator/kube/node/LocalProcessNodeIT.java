package io.globalfunc.operator.kube.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.operator.kube.KubeControlPlane;
import io.globalfunc.operator.kube.KubeControlPlaneExtension;
import io.globalfunc.operator.kube.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The test node against the real control plane, with Python processes as its containers. */
@ExtendWith(KubeControlPlaneExtension.class)
class LocalProcessNodeIT {

  static final Duration LONG = Duration.ofSeconds(60);
  static final String PYTHON = "test.local/python";
  static LocalProcessNode node;
  static KubernetesClient client;

  @BeforeAll
  static void startNode(KubeControlPlane kube) {
    client = kube.adminClient();
    node =
        LocalProcessNode.start(
            kube, "node-it", new Images().entrypoint(PYTHON, "", List.of("python3")));
  }

  @AfterAll
  static void stopNode() {
    node.close();
    client.close();
  }

  @Test
  void runsInitContainersThenServesFromAnEmptyDirOnItsOwnAddressUntilDeleted(TestNamespace ns)
      throws Exception {
    Pod pod =
        pod(ns.name(), "web")
            .editSpec()
            .withTerminationGracePeriodSeconds(5L)
            .addToInitContainers(
                python(
                    "write",
                    "import pathlib, sys; pathlib.Path(sys.argv[1]).write_text('hello from init')",
                    "/data/index.html"))
            .addToContainers(
                new ContainerBuilder(
                        python(
                            "serve",
                            "import http.server, functools, os, sys;"
                                + " h = functools.partial(http.server.SimpleHTTPRequestHandler,"
                                + " directory=sys.argv[1]);"
                                + " http.server.HTTPServer((os.environ['POD_IP'], 8080), h)"
                                + ".serve_forever()",
                            "/data"))
                    .addNewPort()
                    .withName("http")
                    .withContainerPort(8080)
                    .endPort()
                    .withNewReadinessProbe()
                    .withNewHttpGet()
                    .withPath("/index.html")
                    .withNewPort("http")
                    .endHttpGet()
                    .withPeriodSeconds(1)
                    .endReadinessProbe()
                    .build())
            .endSpec()
            .build();
    client.resource(pod).create();

    Pod ready = awaitPod(ns.name(), "web", p -> isReady(p));
    String ip = ready.getStatus().getPodIP();
    assertThat(ip).startsWith("127.").isNotEqualTo("127.0.0.1");
    assertThat(ready.getStatus().getPhase()).isEqualTo("Running");
    assertThat(ready.getSpec().getNodeName()).isEqualTo("node-it");
    assertThat(ready.getStatus().getInitContainerStatuses().get(0).getState().getTerminated())
        .satisfies(t -> assertThat(t.getExitCode()).isZero());
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/index.html")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).isEqualTo("hello from init");

    long pid = node.pid(ready, "serve");
    assertThat(ProcessHandle.of(pid)).isPresent();
    client.resource(ready).delete();
    await()
        .atMost(LONG)
        .until(() -> client.pods().inNamespace(ns.name()).withName("web").get() == null);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void restartsACrashedContainerAndCountsIt(TestNamespace ns) {
    client
        .resource(
            pod(ns.name(), "crash")
                .editSpec()
                .addToContainers(python("crash", "import sys; sys.exit(3)"))
                .endSpec()
                .build())
        .create();
    Pod crashed =
        awaitPod(
            ns.name(),
            "crash",
            p ->
                p.getStatus().getContainerStatuses() != null
                    && !p.getStatus().getContainerStatuses().isEmpty()
                    && p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 2);
    assertThat(crashed.getStatus().getContainerStatuses().get(0).getLastState().getTerminated())
        .satisfies(t -> assertThat(t.getExitCode()).isEqualTo(3));
    assertThat(isReady(crashed)).isFalse();
  }

  @Test
  void aSigtermIgnoringContainerIsKilledAfterTheGracePeriod(TestNamespace ns) {
    Pod pod =
        pod(ns.name(), "stubborn")
            .editSpec()
            .withTerminationGracePeriodSeconds(2L)
            .addToContainers(
                // Ready (a listening socket) only once SIGTERM is ignored, so the test cannot
                // delete it before the handler is in place.
                new ContainerBuilder(
                        python(
                            "stubborn",
                            "import os, signal, socket, time;"
                                + " signal.signal(signal.SIGTERM, signal.SIG_IGN);"
                                + " s = socket.socket(); s.bind((os.environ['POD_IP'], 8081));"
                                + " s.listen(); time.sleep(600)"))
                    .withNewReadinessProbe()
                    .withNewTcpSocket()
                    .withNewPort(8081)
                    .endTcpSocket()
                    .withPeriodSeconds(1)
                    .endReadinessProbe()
                    .build())
            .endSpec()
            .build();
    client.resource(pod).create();
    Pod running = awaitPod(ns.name(), "stubborn", LocalProcessNodeIT::isReady);
    long pid = node.pid(running, "stubborn");
    long t0 = System.nanoTime();
    client.resource(running).delete();
    await()
        .atMost(LONG)
        .until(() -> client.pods().inNamespace(ns.name()).withName("stubborn").get() == null);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void refusesAPodThatWouldFailRestrictedEvenWhereTheNamespaceAllowsIt(KubeControlPlane kube) {
    String ns = "privileged-" + ProcessHandle.current().pid();
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    client
        .serviceAccounts()
        .inNamespace(ns)
        .withName("default")
        .waitUntilCondition(sa -> sa != null, 60, java.util.concurrent.TimeUnit.SECONDS);
    Pod pod =
        pod(ns, "loose")
            .editSpec()
            .withSecurityContext(null)
            .addToContainers(
                new ContainerBuilder()
                    .withName("loose")
                    .withImage(PYTHON)
                    .withArgs("-c", "pass")
                    .build())
            .endSpec()
            .build();
    client.resource(pod).create();
    Pod refused = awaitPod(ns, "loose", p -> "Failed".equals(p.getStatus().getPhase()));
    assertThat(refused.getStatus().getReason()).isEqualTo("PodSecurity");
    assertThat(refused.getStatus().getMessage())
        .contains("allowPrivilegeEscalation != false", "runAsNonRoot != true", "seccompProfile");
    assertThat(node.pid(refused, "loose")).isEqualTo(-1);
  }

  /** A restricted-compliant pod without containers, pinned to the test node by selector. */
  static PodBuilder pod(String ns, String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withNodeSelector(Map.of("kubernetes.io/hostname", "node-it"))
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(10001L)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewVolume()
        .withName("data")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec();
  }

  /** A container running Python {@code code} with {@code args} (paths under /data are mapped). */
  static io.fabric8.kubernetes.api.model.Container python(
      String name, String code, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("-c", code));
    all.addAll(List.of(args));
    return new ContainerBuilder()
        .withName(name)
        .withImage(PYTHON)
        .withArgs(all)
        .addToEnv(
            new EnvVarBuilder()
                .withName("POD_IP")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("status.podIP")
                .endFieldRef()
                .endValueFrom()
                .build())
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/data")
        .endVolumeMount()
        .withSecurityContext(
            new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .build())
        .build();
  }

  static boolean isReady(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  Pod awaitPod(String ns, String name, java.util.function.Predicate<Pod> done) {
    return await()
        .atMost(LONG)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.pods().inNamespace(ns).withName(name).get(),
            p -> p != null && p.getStatus() != null && done.test(p));
  }
}
