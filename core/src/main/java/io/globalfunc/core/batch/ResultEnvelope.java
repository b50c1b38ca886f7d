package io.globalfunc.core.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The owner of how one item's outcome is written in batch and map results: {@code {"ok":true,
 * "result":<json>}} or {@code {"ok":false,"problem":{<RFC 9457 problem>}}}. An envelope keeps a
 * function that returns something problem-shaped from being mistaken for a failure.
 */
public final class ResultEnvelope {

  private static final byte[] OK_HEAD = "{\"ok\":true,\"result\":".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ResultEnvelope() {}

  /** Wraps a result already encoded as JSON, without re-parsing it. */
  public static byte[] success(byte[] resultJson) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(resultJson.length + OK_HEAD.length + 1);
    out.writeBytes(OK_HEAD);
    out.writeBytes(resultJson);
    out.write('}');
    return out.toByteArray();
  }

  /** Wraps a problem object. */
  public static byte[] failure(JsonNode problem) {
    ObjectNode n = JSON.createObjectNode();
    n.put("ok", false);
    n.set("problem", problem);
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds string fields (the provenance: {@code function}, {@code commit}, {@code hash}, {@code
   * worker}, {@code cache}) to an envelope; {@code null} values are left out.
   */
  public static byte[] annotate(byte[] envelope, java.util.Map<String, String> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(envelope.length + 200);
    out.write(envelope, 0, envelope.length - 1); // every envelope is an object ending in '}'
    fields.forEach(
        (k, v) -> {
          if (v != null) {
            try {
              out.write(',');
              out.writeBytes(JSON.writeValueAsBytes(k));
              out.write(':');
              out.writeBytes(JSON.writeValueAsBytes(v));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });
    out.write('}');
    return out.toByteArray();
  }

  /** True when an envelope holds a result. */
  public static boolean isSuccess(JsonNode envelope) {
    return envelope != null && envelope.path("ok").asBoolean(false);
  }
}
