package io.globalfunc.operator.kube.node;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Pod Security Standard "restricted" checks a local process cannot enforce (it runs as the
 * test's user, with the host's root filesystem): the node refuses a pod that fails them instead of
 * silently running it. Mirrors the apiserver's PodSecurity admission for these fields.
 */
public final class RestrictedPodSecurity {

  private static final Set<String> VOLUME_TYPES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  private RestrictedPodSecurity() {}

  /** What in {@code pod} violates "restricted"; empty when it passes. */
  public static List<String> violations(Pod pod) {
    PodSpec spec = pod.getSpec();
    List<String> found = new ArrayList<>();
    if (Boolean.TRUE.equals(spec.getHostNetwork())
        || Boolean.TRUE.equals(spec.getHostPID())
        || Boolean.TRUE.equals(spec.getHostIPC())) {
      found.add("host namespaces (hostNetwork/hostPID/hostIPC=true)");
    }
    for (Volume v : Optional.ofNullable(spec.getVolumes()).orElse(List.of())) {
      if (VOLUME_TYPES.stream().noneMatch(t -> hasVolumeType(v, t))) {
        found.add("restricted volume types (volume \"" + v.getName() + "\")");
      }
    }
    PodSecurityContext podContext =
        Optional.ofNullable(spec.getSecurityContext()).orElse(new PodSecurityContext());
    Stream.concat(
            Optional.ofNullable(spec.getInitContainers()).orElse(List.of()).stream(),
            spec.getContainers().stream())
        .forEach(c -> found.addAll(containerViolations(c, podContext)));
    return found;
  }

  private static List<String> containerViolations(Container c, PodSecurityContext pod) {
    SecurityContext sc = Optional.ofNullable(c.getSecurityContext()).orElse(new SecurityContext());
    String where = " (container \"" + c.getName() + "\")";
    List<String> found = new ArrayList<>();
    if (Boolean.TRUE.equals(sc.getPrivileged())) {
      found.add("privileged" + where);
    }
    if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
      found.add("allowPrivilegeEscalation != false" + where);
    }
    Capabilities caps = Optional.ofNullable(sc.getCapabilities()).orElse(new Capabilities());
    if (caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
      found.add("unrestricted capabilities (drop must include ALL)" + where);
    }
    if (caps.getAdd() != null
        && caps.getAdd().stream().anyMatch(a -> !a.equals("NET_BIND_SERVICE"))) {
      found.add("unrestricted capabilities (add " + caps.getAdd() + ")" + where);
    }
    Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : pod.getRunAsNonRoot();
    if (!Boolean.TRUE.equals(nonRoot)) {
      found.add("runAsNonRoot != true" + where);
    }
    Long user = sc.getRunAsUser() != null ? sc.getRunAsUser() : pod.getRunAsUser();
    if (user != null && user == 0L) {
      found.add("runAsUser=0" + where);
    }
    SeccompProfile seccomp =
        sc.getSeccompProfile() != null ? sc.getSeccompProfile() : pod.getSeccompProfile();
    if (seccomp == null
        || !("RuntimeDefault".equals(seccomp.getType()) || "Localhost".equals(seccomp.getType()))) {
      found.add("seccompProfile (RuntimeDefault or Localhost required)" + where);
    }
    if (c.getPorts() != null
        && c.getPorts().stream().anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
      found.add("hostPort" + where);
    }
    return found;
  }

  private static boolean hasVolumeType(Volume v, String type) {
    return switch (type) {
      case "configMap" -> v.getConfigMap() != null;
      case "csi" -> v.getCsi() != null;
      case "downwardAPI" -> v.getDownwardAPI() != null;
      case "emptyDir" -> v.getEmptyDir() != null;
      case "ephemeral" -> v.getEphemeral() != null;
      case "persistentVolumeClaim" -> v.getPersistentVolumeClaim() != null;
      case "projected" -> v.getProjected() != null;
      case "secret" -> v.getSecret() != null;
      default -> false;
    };
  }
}
