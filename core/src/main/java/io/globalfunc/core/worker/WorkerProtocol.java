package io.globalfunc.core.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The framing between the runtime and {@code gf_worker.py} (its Python twin): a 4-byte big-endian
 * length, then a JSON request; answers carry a status byte and the call id before their payload.
 * The one owner of this wire format on the Java side.
 */
final class WorkerProtocol {

  static final int STATUS_OK = 0;
  static final int STATUS_ERROR = 1;
  static final int STATUS_READY = 2;

  /** The largest answer accepted from a worker; a bigger length means a corrupt channel. */
  static final int MAX_ANSWER = 1 << 30;

  static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  private WorkerProtocol() {}

  /** One answer frame. */
  record Answer(int status, long callId, byte[] payload) {}

  /** Encodes a request frame, length prefix included. */
  static byte[] encode(long id, CallRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(0);
    out.write(0);
    out.write(0);
    out.write(0);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setCodec(JSON);
      g.writeStartObject();
      g.writeNumberField("id", id);
      g.writeStringField("p", request.ref().pkg());
      g.writeStringField("f", request.ref().function());
      writeTree(g, "a", request.args());
      writeTree(g, "k", request.kwargs());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] frame = out.toByteArray();
    int len = frame.length - 4;
    frame[0] = (byte) (len >>> 24);
    frame[1] = (byte) (len >>> 16);
    frame[2] = (byte) (len >>> 8);
    frame[3] = (byte) len;
    return frame;
  }

  private static void writeTree(JsonGenerator g, String field, JsonNode node) throws IOException {
    if (node != null && !node.isNull()) {
      g.writeFieldName(field);
      g.writeTree(node);
    }
  }

  /** Reads one answer frame; throws {@link EOFException} when the worker is gone. */
  static Answer read(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 9 || len > MAX_ANSWER) {
      throw new IOException("corrupt frame length " + len);
    }
    int status = in.readUnsignedByte();
    long id = in.readLong();
    byte[] payload = new byte[len - 9];
    in.readFully(payload);
    return new Answer(status, id, payload);
  }

  /** Turns an error payload from Python into a failure. */
  static CallOutcome.Failure failure(byte[] payload) {
    try {
      JsonNode err = JSON.readTree(payload);
      FailureKind kind =
          switch (err.path("kind").asText()) {
            case "bad_arguments" -> FailureKind.BAD_ARGUMENTS;
            case "not_serializable" -> FailureKind.NOT_SERIALIZABLE;
            case "not_callable" -> FailureKind.NOT_CALLABLE;
            default -> FailureKind.RAISED;
          };
      return new CallOutcome.Failure(
          kind, text(err, "type"), text(err, "message"), text(err, "traceback"));
    } catch (IOException e) {
      return CallOutcome.Failure.of(FailureKind.RAISED, "unreadable error from worker");
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
