package io.globalfunc.operator;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The operator's own CRDs, as the build generated them (fabric8 crd-generator) on the classpath,
 * and applying them to a cluster: by the chart's pre-upgrade hook (Helm never upgrades {@code
 * crds/}) and by the test profile at start.
 */
public final class OwnCrds {

  private static final Logger LOG = Logger.getLogger(OwnCrds.class);

  /** The CRDs as the build generated them, on the classpath. */
  public static final List<String> RESOURCES =
      List.of(
          "META-INF/fabric8/functionreleases.globalfunc.io-v1.yml",
          "META-INF/fabric8/globalfuncworkers.globalfunc.io-v1.yml");

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private OwnCrds() {}

  /** Every CRD of {@link #RESOURCES}, read from the classpath. */
  public static List<CustomResourceDefinition> read(KubernetesClient client) {
    return RESOURCES.stream().map(r -> read(client, r)).toList();
  }

  /**
   * Writes each CRD: replaces the cluster's copy (the one Helm's install created from {@code
   * crds/}) with the build's, or creates it when missing. On an existing CRD this needs only get
   * and update on its name: the chart hook's RBAC (create cannot be limited to a name, so the hook
   * has none, and Helm's install creates the CRDs).
   *
   * @return the CRDs written
   */
  public static List<CustomResourceDefinition> write(KubernetesClient client) {
    List<CustomResourceDefinition> written = read(client);
    for (CustomResourceDefinition crd : written) {
      String name = crd.getMetadata().getName();
      var crds = client.apiextensions().v1().customResourceDefinitions();
      for (int attempt = 1; ; attempt++) {
        CustomResourceDefinition existing = crds.withName(name).get();
        try {
          if (existing == null) {
            crds.resource(crd).create();
          } else {
            crd.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            crds.resource(crd).update();
          }
          break;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409 || attempt >= 5) {
            throw e; // 409: written in between (or created meanwhile): read it again
          }
        }
      }
      LOG.infof("CRD %s written", name);
    }
    return written;
  }

  /**
   * The chart's hook: {@link #write} the CRDs, then wait until the server reports them Established.
   */
  public static void upgrade(KubernetesClient client) {
    write(client).forEach(crd -> awaitEstablished(client, crd.getMetadata().getName()));
  }

  /**
   * Waits until the API server lists the CRD's resources: an updated CRD's endpoint answers 404 for
   * a moment while the server rebuilds it, and an informer started then fails for good. Lists
   * custom resources, so only for a caller with those rights (the operator itself, the tests).
   */
  public static void awaitServed(KubernetesClient client, CustomResourceDefinition crd)
      throws InterruptedException {
    var version =
        crd.getSpec().getVersions().stream()
            .filter(v -> Boolean.TRUE.equals(v.getStorage()))
            .findFirst()
            .orElseThrow();
    var context =
        new ResourceDefinitionContext.Builder()
            .withGroup(crd.getSpec().getGroup())
            .withVersion(version.getName())
            .withPlural(crd.getSpec().getNames().getPlural())
            .withKind(crd.getSpec().getNames().getKind())
            .withNamespaced("Namespaced".equals(crd.getSpec().getScope()))
            .build();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try {
        client
            .genericKubernetesResources(context)
            .inAnyNamespace()
            .list(new ListOptionsBuilder().withLimit(1L).build());
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404 || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** Polls the CRD until the server reports it Established (names accepted, served). */
  private static void awaitEstablished(KubernetesClient client, String name) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().withName(name).get();
      if (crd != null && established(crd)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("CRD " + name + " not Established after " + TIMEOUT);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for CRD " + name, e);
      }
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static CustomResourceDefinition read(KubernetesClient client, String resource) {
    try (InputStream in = OwnCrds.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath");
      }
      return client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
