package io.globalfunc.core.naming;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The single owner of how the endpoint registry is spelled in Redis, under the same three tiers as
 * functions: {@code space.~endpoints.<namespace>/<pod>}.
 *
 * <p>Tier 2 of a function is always {@code <package>_<branch>} with a Python identifier as package,
 * which can never start with {@code ~}; so the registry's tier-2 words {@code ~endpoints} and
 * {@code ~workers} never collide with a function's key. Tier 3 joins a namespace and a pod or
 * worker name with {@code /}: both are DNS names (no {@code .} in namespaces; the operator names
 * pods and workers without dots too), so a key always splits back into its three tiers at its first
 * two dots.
 *
 * <ul>
 *   <li>{@link #endpoint}: a hash per Ready pod (worker, host, port, pod IP, node, commit, version)
 *   <li>{@link #spaceIndex}: a set of every endpoint's tier 3 in a space, for clients to discover
 *   <li>{@link #workerIndex}: a set of the pod names a worker registered, so the operator can find
 *       and remove stale entries of one worker without scanning
 * </ul>
 */
public final class EndpointKeys {

  /** Tier 2 of endpoint hashes and of the space index. */
  public static final String ENDPOINTS = "~endpoints";

  /** Tier 2 of per-worker indexes. */
  public static final String WORKERS = "~workers";

  private static final Pattern SPACE = Pattern.compile("[A-Za-z0-9_-]{1,60}");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private EndpointKeys() {}

  /** The hash of one pod's endpoint: {@code space.~endpoints.namespace/pod}. */
  public static String endpoint(String space, String namespace, String pod) {
    return requireSpace(space) + "." + ENDPOINTS + "." + member(namespace, pod);
  }

  /** The set of every registered endpoint of a space; members are {@link #member} values. */
  public static String spaceIndex(String space) {
    return requireSpace(space) + "." + ENDPOINTS;
  }

  /** The set of pod names one worker registered: {@code space.~workers.namespace/worker}. */
  public static String workerIndex(String space, String namespace, String worker) {
    return requireSpace(space) + "." + WORKERS + "." + member(namespace, worker);
  }

  /** Tier 3 of an endpoint and a member of {@link #spaceIndex}: {@code namespace/name}. */
  public static String member(String namespace, String name) {
    return requireDns(namespace, "namespace") + "/" + requireDns(name, "name");
  }

  /** The endpoint key named by a {@link #spaceIndex} member. */
  public static String endpointOfMember(String space, String member) {
    Ref ref = parseMember(member);
    return endpoint(space, ref.namespace(), ref.name());
  }

  /** A namespace and a name, as tier 3 of a registry key holds them. */
  public record Ref(String namespace, String name) {}

  /** Splits a {@link #member} back into namespace and name. */
  public static Ref parseMember(String member) {
    Objects.requireNonNull(member, "member");
    int slash = member.indexOf('/');
    if (slash <= 0 || slash != member.lastIndexOf('/')) {
      throw new IllegalArgumentException("an endpoint member is namespace/name: " + member);
    }
    return new Ref(
        requireDns(member.substring(0, slash), "namespace"),
        requireDns(member.substring(slash + 1), "name"));
  }

  private static String requireSpace(String space) {
    if (space == null || !SPACE.matcher(space).matches()) {
      throw new IllegalArgumentException(
          "space must be 1-60 characters of letters, digits, '_' or '-': " + space);
    }
    return space;
  }

  private static String requireDns(String s, String what) {
    if (s == null || !DNS_LABEL.matcher(s).matches()) {
      throw new IllegalArgumentException(what + " must be a DNS label: " + s);
    }
    return s;
  }
}
