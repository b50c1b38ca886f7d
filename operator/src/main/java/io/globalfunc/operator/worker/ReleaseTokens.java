package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.globalfunc.operator.common.EventRecorder;
import io.globalfunc.operator.common.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.jboss.logging.Logger;

/**
 * The per-worker release token: a Secret the operator creates (owned by the worker, so it goes with
 * it) holding the token the operator sends on {@code POST /v1/release} and its SHA-256. The runtime
 * container mounts only the digest: the release's own Python code runs there and could read any
 * file it mounts, and a digest cannot be turned back into the token. Read by name on every
 * reconcile, never cached: a Secret deleted by hand comes back with a new token at the worker's
 * next reconcile, and the runtime reads the digest file afresh on each switch.
 */
final class ReleaseTokens {

  /** The key of the Secret holding the token (never mounted into a pod). */
  static final String KEY = "token";

  /** The key holding the token's SHA-256 (hex); also the file name in the mounted volume. */
  static final String SHA256_KEY = "sha256";

  /** Where the runtime container reads the digest (a Secret volume only it mounts). */
  static final String DIR = "/var/run/secrets/globalfunc/release";

  static final String VOLUME = "release-token";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger LOG = Logger.getLogger(ReleaseTokens.class);

  private final KubernetesClient client;
  private final EventRecorder events;

  ReleaseTokens(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  /** The Secret's name for a worker: fixed, so the pod template never changes with the token. */
  static String secretName(String worker) {
    return worker + "-release-token";
  }

  /** The pod volume of the worker's token Secret. */
  static Volume volume(String worker) {
    return new VolumeBuilder()
        .withName(VOLUME)
        .withNewSecret()
        .withSecretName(secretName(worker))
        .withItems(new KeyToPath(SHA256_KEY, null, SHA256_KEY))
        .withDefaultMode(0440)
        .endSecret()
        .build();
  }

  /** The runtime container's mount of {@link #volume}. */
  static VolumeMount mount() {
    return WorkerPodBuilder.mount(VOLUME, DIR, true);
  }

  /** Tells the runtime where the token's digest is (the {@code X_FILE} convention). */
  static EnvVar env() {
    return WorkerPodBuilder.env("GF_RELEASE_TOKEN_SHA256_FILE", DIR + "/" + SHA256_KEY);
  }

  /** The lower-case hex SHA-256 of a token: what the runtime compares a bearer token with. */
  static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The worker's token as its Secret holds it now, or a new Secret with a new token when there is
   * none (the first reconcile, or the Secret was deleted). One GET by name per reconcile: the
   * operator may not list or watch Secrets, so no informer cache could hold them. {@code hasPods}:
   * the worker has pods already, which are only created after its Secret, so a missing Secret was
   * deleted.
   */
  String ensure(GlobalFuncWorker worker, boolean hasPods) {
    String existing = read(worker);
    if (existing != null) {
      return existing;
    }
    LOG.infof(
        "worker %s/%s: creating its release-token Secret with a new token",
        worker.getMetadata().getNamespace(), worker.getMetadata().getName());
    if (hasPods) {
      // Someone deleted it (a rotation, or a mistake): whoever watches the worker must know that
      // the old token is dead and that pods refuse switches until their mounted digest syncs.
      events.warning(
          worker,
          Reason.RELEASE_TOKEN_RECREATED,
          "the release-token Secret "
              + secretName(worker.getMetadata().getName())
              + " was missing and is recreated with a new token; the old token is refused once"
              + " each pod's mounted digest is synced (a kubelet takes up to about a minute), and"
              + " release switches fail and are retried until then");
    }
    try {
      client
          .secrets()
          .inNamespace(worker.getMetadata().getNamespace())
          .resource(build(worker))
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Created meanwhile (another reconcile, a previous operator): the stored one wins.
    }
    String token = read(worker);
    if (token == null) {
      throw new IllegalStateException(
          "the release token Secret of " + worker.getMetadata().getName() + " has no token");
    }
    return token;
  }

  private String read(GlobalFuncWorker worker) {
    Secret s =
        client
            .secrets()
            .inNamespace(worker.getMetadata().getNamespace())
            .withName(secretName(worker.getMetadata().getName()))
            .get();
    if (s == null || s.getData() == null || s.getData().get(KEY) == null) {
      return null;
    }
    return new String(Base64.getDecoder().decode(s.getData().get(KEY)), StandardCharsets.UTF_8)
        .strip();
  }

  static Secret build(GlobalFuncWorker worker) {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(secretName(worker.getMetadata().getName()))
        .withNamespace(worker.getMetadata().getNamespace())
        .withLabels(WorkerPodBuilder.selectorLabels(worker))
        .withOwnerReferences(worker.asOwner())
        .endMetadata()
        .withType("Opaque")
        // data, not stringData: the token reads back the same from any server (a CRUD test
        // server keeps stringData as written).
        .addToData(KEY, base64(token))
        .addToData(SHA256_KEY, base64(sha256(token)))
        .build();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
