package io.globalfunc.operator.endpoints;

import java.util.LinkedHashMap;
import java.util.Map;

/** One Ready worker pod as the registry stores it (a Redis hash, one field per component). */
public record Endpoint(
    String namespace,
    String pod,
    String worker,
    String identity,
    String host,
    int port,
    String podIp,
    String node,
    String release,
    String commit,
    String version) {

  /** The hash fields written to Redis. */
  public Map<String, String> fields() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("namespace", namespace);
    f.put("pod", pod);
    f.put("worker", worker);
    f.put("identity", identity);
    f.put("host", host);
    f.put("port", Integer.toString(port));
    f.put("podIP", podIp);
    f.put("node", node == null ? "" : node);
    f.put("release", release);
    f.put("commit", commit == null ? "" : commit);
    f.put("version", version);
    f.put("url", "http://" + host + ":" + port + "/gfgo/");
    return f;
  }
}
