package io.globalfunc.core.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.worker.CallOutcome;
import io.globalfunc.core.worker.FailureKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The owner of how one item's outcome is written in batch and map results: {@code {"ok":true,
 * "result":<json>}} or {@code {"ok":false,"problem":{<RFC 9457 problem>}}}. An envelope keeps a
 * function that returns something problem-shaped from being mistaken for a failure.
 */
public final class ResultEnvelope {

  /** The provenance field saying whether a pure function's result came from the memo. */
  public static final String CACHE = "cache";

  /** An envelope's provenance fields ({@link #provenance}), which not every reader wants. */
  public static final Set<String> PROVENANCE =
      Set.of("function", "commit", "hash", "worker", CACHE);

  /** The provenance fields of an envelope, in the order they are written. */
  public static Map<String, String> provenance(
      String function, String commit, String hash, String worker, String cache) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("function", function);
    m.put("commit", commit);
    m.put("hash", hash);
    m.put("worker", worker);
    m.put(CACHE, cache);
    return m;
  }

  private static final byte[] OK_HEAD = "{\"ok\":true,\"result\":".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads results as deep and as long as a Python worker may write them. */
  private static final ObjectMapper READER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(100_000)
                      .maxNumberLength(100_000)
                      .maxStringLength(Integer.MAX_VALUE)
                      .build())
              .build());

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
  public static byte[] annotate(byte[] envelope, Map<String, String> fields) {
    return annotate(envelope, fields(fields));
  }

  /**
   * The bytes {@link #annotate(byte[], Map)} adds for {@code fields}: made once for the many
   * envelopes that share them (a task's items), then added by {@link #annotate(byte[], byte[])}
   * with one copy each, or stored once for all of them ({@link ResultRuns}).
   */
  public static byte[] fields(Map<String, String> fields) {
    List<String> key = new ArrayList<>(2 * fields.size());
    fields.forEach(
        (k, v) -> {
          key.add(k);
          key.add(v);
        });
    EncodedFields last = lastFields;
    if (last == null || !last.key().equals(key)) {
      last = new EncodedFields(key, encode(fields));
      lastFields = last;
    }
    return last.bytes().clone();
  }

  /**
   * The last fields encoded, in order: every task of a batch carries the same provenance, and
   * encoding it through Jackson per task was a large part of what the JIT compiled on a runtime's
   * first batch.
   */
  private record EncodedFields(List<String> key, byte[] bytes) {}

  private static volatile EncodedFields lastFields;

  private static byte[] encode(Map<String, String> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(200);
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
    return out.toByteArray();
  }

  /** An envelope with fields made by {@link #fields} added. */
  public static byte[] annotate(byte[] envelope, byte[] fields) {
    byte[] out = Arrays.copyOf(envelope, envelope.length + fields.length);
    // every envelope is an object ending in '}'
    System.arraycopy(fields, 0, out, envelope.length - 1, fields.length);
    out[out.length - 1] = '}';
    return out;
  }

  /**
   * Reads an envelope back into the outcome it was written from: the result's exact bytes (never
   * re-encoded), or the failure its problem names ({@link Problem#kindOf}); the inverse of {@link
   * #success} and of {@link #failure} of {@link Problem#body(ObjectMapper, CallOutcome.Failure,
   * String)}. Extra fields (the provenance) are ignored.
   *
   * @throws IOException when it is no envelope, or its problem is no call's failure
   */
  public static CallOutcome read(byte[] envelope) throws IOException {
    return read(envelope, null);
  }

  /** As {@link #read(byte[])}, also putting the envelope's string fields into {@code fields}. */
  public static CallOutcome read(byte[] envelope, Map<String, String> fields) throws IOException {
    try (JsonParser p = READER.getFactory().createParser(envelope)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("an envelope is a JSON object");
      }
      byte[] result = null;
      JsonNode problem = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("result".equals(field)) {
          int start = (int) p.currentTokenLocation().getByteOffset();
          if (value.isStructStart()) {
            p.skipChildren();
          } else {
            p.finishToken();
          }
          result = Arrays.copyOfRange(envelope, start, (int) p.currentLocation().getByteOffset());
        } else if ("problem".equals(field)) {
          problem = p.readValueAsTree();
        } else if (fields != null && value == JsonToken.VALUE_STRING) {
          fields.put(field, p.getText());
        } else {
          p.skipChildren();
        }
      }
      if (result != null) {
        return new CallOutcome.Success(result);
      }
      return failed(problem);
    }
  }

  private static CallOutcome.Failure failed(JsonNode problem) throws IOException {
    FailureKind kind = problem == null ? null : Problem.kindOf(problem.path("type").asText());
    if (kind == null) {
      throw new IOException("the envelope holds neither a result nor a call's problem");
    }
    JsonNode exception = problem.path("exception");
    return new CallOutcome.Failure(
        kind,
        exception.isObject() ? exception.path("type").asText(null) : null,
        problem.path("detail").asText(null),
        exception.isObject() ? exception.path("traceback").asText(null) : null);
  }

  /**
   * {@code envelope} (a JSON object) without its top-level fields named in {@code drop}: the kept
   * fields are copied as written (the parser only finds where each ends).
   */
  public static byte[] without(byte[] envelope, Set<String> drop) {
    try (JsonParser p = READER.getFactory().createParser(envelope)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return envelope;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(envelope.length);
      out.write('{');
      boolean first = true;
      JsonToken t = p.nextToken();
      while (t == JsonToken.FIELD_NAME) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        String name = p.currentName();
        p.nextToken();
        p.skipChildren();
        // The next field (or the end) says where this one ends: an unread string value is then
        // skipped without being decoded.
        t = p.nextToken();
        int end = valueEnd(envelope, (int) p.currentTokenLocation().getByteOffset());
        if (!drop.contains(name)) {
          if (!first) {
            out.write(',');
          }
          out.write(envelope, start, end - start);
          first = false;
        }
      }
      out.write('}');
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable result envelope", e);
    }
  }

  /** Where the value before the token at {@code next} ends: before the separator and spaces. */
  private static int valueEnd(byte[] json, int next) {
    int end = next;
    while (end > 0 && isSpace(json[end - 1])) {
      end--;
    }
    if (end > 0 && json[end - 1] == ',') {
      end--;
      while (end > 0 && isSpace(json[end - 1])) {
        end--;
      }
    }
    return end;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  /** True when an envelope holds a result. */
  public static boolean isSuccess(JsonNode envelope) {
    return envelope != null && envelope.path("ok").asBoolean(false);
  }
}
