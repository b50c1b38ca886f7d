package io.globalfunc.operator.kube.node;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pod's volumes as folders under the pod's own folder, and its containers' environments. A local
 * process sees the host's filesystem, so paths inside a volume mount (in env values and args) are
 * rewritten to the volume's folder: {@code /library/x} becomes {@code <pod>/volumes/library/x}.
 */
final class PodFiles {

  private static final Pattern ENTRY =
      Pattern.compile("metadata\\.(annotations|labels)\\['([^']+)'\\]");
  private static final String SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

  private final KubernetesClient client;
  private final Pod pod;
  private final Path root;
  private final Map<String, Path> volumes = new LinkedHashMap<>();

  PodFiles(KubernetesClient client, Pod pod, Path root) {
    this.client = client;
    this.pod = pod;
    this.root = root;
  }

  /** Makes every volume's folder and writes Secret, ConfigMap and projected contents. */
  void materialize() {
    for (Volume v : Optional.ofNullable(pod.getSpec().getVolumes()).orElse(List.of())) {
      Path dir = root.resolve("volumes").resolve(v.getName());
      mkdirs(dir);
      if (v.getSecret() != null) {
        secretVolume(v.getSecret(), dir);
      } else if (v.getConfigMap() != null) {
        configMap(v.getConfigMap().getName()).forEach((k, value) -> write(dir.resolve(k), value));
      } else if (v.getProjected() != null) {
        v.getProjected().getSources().forEach(s -> project(s, dir));
      }
      volumes.put(v.getName(), dir);
    }
  }

  /**
   * Brings Secret volumes up to date as a kubelet's periodic volume sync does: a changed Secret is
   * rewritten in place (each file replaced atomically, so a reader sees the old or the new
   * content), a deleted one leaves its last content.
   */
  void refreshSecrets() {
    for (Volume v : Optional.ofNullable(pod.getSpec().getVolumes()).orElse(List.of())) {
      Path dir = volumes.get(v.getName());
      if (v.getSecret() != null && dir != null) {
        Map<String, String> data = secret(v.getSecret().getSecretName());
        if (!data.isEmpty()) {
          secretFiles(v.getSecret(), data)
              .forEach(
                  (path, value) -> {
                    if (value != null && !value.equals(read(dir.resolve(path)))) {
                      replace(dir.resolve(path), value, v.getSecret().getDefaultMode());
                    }
                  });
        }
      }
    }
  }

  /**
   * A Secret volume as a kubelet writes it, read through the API: every key as a file, or only the
   * listed {@code items} at their paths; {@code defaultMode} as the files' permissions. A missing
   * (optional) Secret or key is no file.
   */
  private void secretVolume(SecretVolumeSource source, Path dir) {
    secretFiles(source, secret(source.getSecretName()))
        .forEach(
            (path, value) -> {
              write(dir.resolve(path), value);
              if (value != null && source.getDefaultMode() != null) {
                permissions(dir.resolve(path), source.getDefaultMode());
              }
            });
  }

  /** The files of a Secret volume: every key, or only the listed items at their paths. */
  private static Map<String, String> secretFiles(
      SecretVolumeSource source, Map<String, String> data) {
    Map<String, String> files = new LinkedHashMap<>();
    if (source.getItems() == null || source.getItems().isEmpty()) {
      files.putAll(data);
    } else {
      source.getItems().forEach(i -> files.put(i.getPath(), data.get(i.getKey())));
    }
    return files;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a new file beside {@code file} and moves it over {@code file} in one step. */
  private static void replace(Path file, String content, Integer mode) {
    Path next = file.resolveSibling(".." + file.getFileName() + ".next");
    write(next, content);
    if (mode != null) {
      permissions(next, mode);
    }
    try {
      Files.move(
          next,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void permissions(Path file, int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
    for (int b = 0; b < 9; b++) {
      if ((mode & (1 << (8 - b))) != 0) {
        perms.add(bits[b]);
      }
    }
    try {
      Files.setPosixFilePermissions(file, perms);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The folder a log of {@code container} goes to. */
  Path log(String container) {
    Path logs = root.resolve("logs");
    mkdirs(logs);
    return logs.resolve(container + ".log");
  }

  /** The working folder of the pod's processes. */
  Path home() {
    Path home = root.resolve("home");
    mkdirs(home);
    return home;
  }

  /** {@code value} with a path inside one of {@code container}'s mounts moved to its folder. */
  String mapPath(Container container, String value) {
    List<VolumeMount> mounts =
        Optional.ofNullable(container.getVolumeMounts()).orElse(List.of()).stream()
            .sorted(
                Comparator.comparingInt((VolumeMount m) -> m.getMountPath().length()).reversed())
            .toList();
    for (VolumeMount m : mounts) {
      String path = m.getMountPath();
      if (value.equals(path) || value.startsWith(path + "/")) {
        Path dir = volumes.get(m.getName());
        if (m.getSubPath() != null && !m.getSubPath().isEmpty()) {
          dir = dir.resolve(m.getSubPath());
        }
        return dir + value.substring(path.length());
      }
    }
    return value;
  }

  /** The environment of {@code container} as a kubelet would build it, paths mapped. */
  Map<String, String> environment(Container container, String podIp, String apiHost, int apiPort) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", home().toString());
    env.put("HOSTNAME", pod.getMetadata().getName());
    env.put("KUBERNETES_SERVICE_HOST", apiHost);
    env.put("KUBERNETES_SERVICE_PORT", Integer.toString(apiPort));
    for (EnvVar e : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      String value = e.getValueFrom() == null ? e.getValue() : valueFrom(e.getValueFrom(), podIp);
      if (value != null) {
        env.put(e.getName(), mapPath(container, value));
      }
    }
    String account = mapPath(container, SERVICE_ACCOUNT);
    if (!account.equals(SERVICE_ACCOUNT)) {
      // fabric8 reads the projected token, CA and namespace at fixed paths unless told otherwise.
      env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", account + "/token");
      env.put("KUBERNETES_CERTS_CA_FILE", account + "/ca.crt");
      env.put("KUBENAMESPACE", account + "/namespace");
    }
    String tmp = mapPath(container, "/tmp");
    if (!tmp.equals("/tmp")) {
      env.put("TMPDIR", tmp); // the container's /tmp is a volume: its temp files go there
    }
    return env;
  }

  private String valueFrom(EnvVarSource from, String podIp) {
    if (from.getSecretKeyRef() != null) {
      return secret(from.getSecretKeyRef().getName()).get(from.getSecretKeyRef().getKey());
    }
    if (from.getConfigMapKeyRef() != null) {
      return configMap(from.getConfigMapKeyRef().getName()).get(from.getConfigMapKeyRef().getKey());
    }
    if (from.getFieldRef() != null) {
      return switch (from.getFieldRef().getFieldPath()) {
        case "metadata.name" -> pod.getMetadata().getName();
        case "metadata.namespace" -> pod.getMetadata().getNamespace();
        case "metadata.uid" -> pod.getMetadata().getUid();
        case "status.podIP", "status.hostIP" -> podIp;
        case "spec.nodeName" -> pod.getSpec().getNodeName();
        case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
        default -> metadataEntry(from.getFieldRef().getFieldPath());
      };
    }
    return null;
  }

  /**
   * {@code metadata.annotations['k']} or {@code metadata.labels['k']}, read from the pod as it is
   * now (a kubelet resolves them when a container starts, so a restart sees a changed annotation).
   */
  private String metadataEntry(String path) {
    Matcher m = ENTRY.matcher(path);
    if (!m.matches()) {
      return null;
    }
    Pod now =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .get();
    ObjectMeta meta = (now != null ? now : pod).getMetadata();
    Map<String, String> entries =
        "annotations".equals(m.group(1)) ? meta.getAnnotations() : meta.getLabels();
    return entries == null ? null : entries.get(m.group(2));
  }

  private void project(VolumeProjection source, Path dir) {
    if (source.getServiceAccountToken() != null) {
      var token =
          client
              .serviceAccounts()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(pod.getSpec().getServiceAccountName())
              .tokenRequest(
                  new TokenRequestBuilder()
                      .withNewSpec()
                      .withExpirationSeconds(source.getServiceAccountToken().getExpirationSeconds())
                      .withNewBoundObjectRef()
                      .withApiVersion("v1")
                      .withKind("Pod")
                      .withName(pod.getMetadata().getName())
                      .withUid(pod.getMetadata().getUid())
                      .endBoundObjectRef()
                      .endSpec()
                      .build());
      write(dir.resolve(source.getServiceAccountToken().getPath()), token.getStatus().getToken());
    } else if (source.getConfigMap() != null) {
      Map<String, String> data = configMap(source.getConfigMap().getName());
      if (source.getConfigMap().getItems() == null) {
        data.forEach((k, v) -> write(dir.resolve(k), v));
      } else {
        source
            .getConfigMap()
            .getItems()
            .forEach(i -> write(dir.resolve(i.getPath()), data.get(i.getKey())));
      }
    } else if (source.getSecret() != null) {
      Map<String, String> data = secret(source.getSecret().getName());
      data.forEach((k, v) -> write(dir.resolve(k), v));
    } else if (source.getDownwardAPI() != null) {
      source
          .getDownwardAPI()
          .getItems()
          .forEach(
              i -> {
                if ("metadata.namespace".equals(i.getFieldRef().getFieldPath())) {
                  write(dir.resolve(i.getPath()), pod.getMetadata().getNamespace());
                }
              });
    }
  }

  private Map<String, String> secret(String name) {
    Secret s = client.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(name).get();
    Map<String, String> data = new LinkedHashMap<>();
    if (s != null && s.getData() != null) {
      s.getData()
          .forEach(
              (k, v) ->
                  data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return data;
  }

  private Map<String, String> configMap(String name) {
    ConfigMap c =
        client.configMaps().inNamespace(pod.getMetadata().getNamespace()).withName(name).get();
    return c == null || c.getData() == null ? Map.of() : new LinkedHashMap<>(c.getData());
  }

  private static void write(Path file, String content) {
    if (content == null) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
