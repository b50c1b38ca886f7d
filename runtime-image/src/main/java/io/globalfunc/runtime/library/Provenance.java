package io.globalfunc.runtime.library;

import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.naming.FunctionName;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What answered a call: the three-tier name (tier 2 carries the ref the caller named, or the
 * release's branch), the commit, the md5 of the function's file as catalogued, the runtime's
 * identity (pod name), and whether the result came from the memo.
 *
 * @param cache {@code hit} or {@code miss} for a pure function, {@code null} otherwise
 */
public record Provenance(String function, String commit, String hash, String worker, String cache) {

  /** Response headers, one per field. */
  public static final String FUNCTION = "GF-Function";

  public static final String COMMIT = "GF-Commit";
  public static final String HASH = "GF-Function-Hash";
  public static final String WORKER = "GF-Worker";
  public static final String CACHE = "GF-Cache";

  /** The fields of a map or batch envelope. */
  public java.util.Map<String, String> envelopeFields() {
    return ResultEnvelope.provenance(function, commit, hash, worker, cache);
  }

  /** The provenance of a call of {@code fn} under a lease. */
  public static Provenance of(Lease lease, ServedFunction fn, String worker, String cache) {
    FunctionName name =
        lease.ref() == null ? fn.name() : fn.ref().at(fn.name().space(), lease.ref());
    return new Provenance(
        name.fullName(), lease.library().commit(), fn.meta().hash(), worker, cache);
  }

  /** This runtime's identity: {@code GF_POD_NAME}, else {@code HOSTNAME}, else the host name. */
  public static String identity(String configured) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
