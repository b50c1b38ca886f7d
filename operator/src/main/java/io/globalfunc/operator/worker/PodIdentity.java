package io.globalfunc.operator.worker;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The seed's container identity {@code <node-or-worker>_<version>_<mem>_<gpu>_<port>} (e.g. {@code
 * m7_v101_30G_0G_26000}) and its DNS-safe pod name ({@code m7-v101-30g-0g-26000}).
 *
 * <p>Memory is written in whole G when it is a whole number of GiB, else in M, else in bytes; the
 * GPU part is the number of GPUs (the seed wrote video memory, which Kubernetes does not schedule).
 * The port is unique in the namespace, so the name is too.
 */
public record PodIdentity(String identity, String podName) {

  private static final int MAX_NAME = 63;
  private static final BigDecimal GI = BigDecimal.valueOf(1L << 30);
  private static final BigDecimal MI = BigDecimal.valueOf(1L << 20);

  /** The identity of the pod of {@code worker} on {@code port}. */
  public static PodIdentity of(String workerName, GlobalFuncWorkerSpec spec, int port) {
    String host = spec.getNode() != null && !spec.getNode().isBlank() ? spec.getNode() : workerName;
    String mem = memoryTier(spec.getResources().getMemory());
    int gpu = spec.getResources().getGpu() == null ? 0 : spec.getResources().getGpu();
    String identity =
        String.join("_", host, spec.getVersion(), mem, gpu + "G", Integer.toString(port));
    return new PodIdentity(identity, dnsName(host, spec.getVersion(), mem, gpu + "G", port));
  }

  /** {@code 30Gi} → {@code 30G}, {@code 512Mi} → {@code 512M}. */
  static String memoryTier(String memory) {
    BigDecimal bytes = Quantity.getAmountInBytes(new Quantity(memory));
    if (bytes.signum() > 0 && bytes.remainder(GI).signum() == 0) {
      return bytes.divide(GI).toBigInteger() + "G";
    }
    if (bytes.signum() > 0 && bytes.remainder(MI).signum() == 0) {
      return bytes.divide(MI).toBigInteger() + "M";
    }
    return bytes.toBigInteger().toString();
  }

  /**
   * Lower-cases, maps every other character to {@code -}, and shortens the host and version parts
   * (never the port, which makes the name unique) to fit a 63-character DNS label.
   */
  static String dnsName(String host, String version, String mem, String gpu, int port) {
    String tail = "-" + clean(mem) + "-" + clean(gpu) + "-" + port;
    String v = clean(version);
    String h = clean(host);
    int room = MAX_NAME - tail.length() - 1;
    if (h.length() + v.length() > room) {
      int vRoom = Math.min(v.length(), Math.max(room / 2, room - h.length()));
      v = trimDashes(v.substring(0, vRoom));
      h = trimDashes(h.substring(0, Math.min(h.length(), room - v.length())));
    }
    String name = (h.isEmpty() ? "w" : h) + "-" + (v.isEmpty() ? "v" : v) + tail;
    return name.replaceAll("-{2,}", "-");
  }

  private static String clean(String s) {
    return trimDashes(s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-"));
  }

  private static String trimDashes(String s) {
    return s.replaceAll("^-+", "").replaceAll("-+$", "");
  }
}
