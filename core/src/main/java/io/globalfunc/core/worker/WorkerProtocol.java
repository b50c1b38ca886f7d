package io.globalfunc.core.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.library.FunctionRef;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * The framing between the runtime and {@code gf_worker.py} (its Python twin): a 4-byte big-endian
 * length, then a JSON request (a call, or a chunk of items of one function); answers carry a status
 * byte and the call id before their payload. A request's length may carry {@link #BUSY_FLAG}. The
 * one owner of this wire format on the Java side.
 */
final class WorkerProtocol {

  static final int STATUS_OK = 0;
  static final int STATUS_ERROR = 1;
  static final int STATUS_READY = 2;
  static final int STATUS_CHUNK_PROGRESS = 3;
  static final int STATUS_CHUNK_DONE = 4;

  /**
   * After an answer already sent: the worker retires (restoring what that call changed failed or
   * found tampering), and runs nothing written after that call.
   */
  static final int STATUS_RETIRING = 5;

  /** Set on an answer's status: the worker retires after it and runs nothing written after. */
  static final int RETIRE_FLAG = 0x80;

  /**
   * Set on the first byte of a request's length (no request is 2 GiB long): when it was written,
   * the pool had other calls queued or in flight, so this worker is fed back to back. A worker
   * under {@link PoolConfig.Scheduling#AUTO} then waits for the CPU when woken instead of
   * preempting the runtime's event loop, and preempts again once a request comes without it.
   */
  static final int BUSY_FLAG = 0x80;

  /** A pseudo status for an answer longer than the runtime accepts: its bytes were skipped. */
  static final int STATUS_OVERSIZED = -1;

  /** The largest frame length a worker may announce; a bigger one means a corrupt channel. */
  static final int MAX_FRAME = Integer.MAX_VALUE - 16;

  /** Room in an answer beyond its result: a chunk report's other items, error texts. */
  private static final int ANSWER_OVERHEAD = 2 << 20;

  /** A chunk reports progress at least this often (at item boundaries), see gf_worker.py. */
  static final Duration PROGRESS_INTERVAL = Duration.ofMillis(20);

  static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] CHUNK_OPEN = ",\"c\":[".getBytes(StandardCharsets.US_ASCII);
  private static final JsonFactory FACTORY = JSON.getFactory();

  private WorkerProtocol() {}

  /**
   * One answer frame.
   *
   * @param status the status without {@link #RETIRE_FLAG}
   * @param retire the worker retires after this answer
   */
  record Answer(int status, boolean retire, long callId, byte[] payload) {

    boolean isChunkReport() {
      return status == STATUS_CHUNK_PROGRESS || status == STATUS_CHUNK_DONE;
    }
  }

  /** The largest answer frame accepted for {@code config}. */
  static int answerLimit(PoolConfig config) {
    return (int) Math.min(MAX_FRAME, (long) config.maxResultBytes() + ANSWER_OVERHEAD);
  }

  /** Encodes a call's frame, length prefix included. */
  static byte[] encode(long id, CallRequest request) {
    return frame(
        id,
        request.ref(),
        g -> {
          writeTree(g, "a", request.args());
          writeTree(g, "k", request.kwargs());
        });
  }

  /**
   * Encodes a chunk's frame, length prefix included: the items go in as their bytes (each is one
   * checked JSON value, see {@link JsonItem}), not re-encoded from trees.
   */
  static byte[] encode(long id, ChunkRequest chunk) {
    byte[] head = frame(id, chunk.ref(), g -> {});
    int size = head.length + CHUNK_OPEN.length + chunk.items().size(); // n - 1 commas, "]}" - "}"
    for (JsonItem item : chunk.items()) {
      size += item.json().length;
    }
    byte[] frame = Arrays.copyOf(head, size);
    int at = head.length - 1; // over the head's closing brace
    at = put(frame, at, CHUNK_OPEN);
    for (int i = 0; i < chunk.items().size(); i++) {
      if (i > 0) {
        frame[at++] = ',';
      }
      at = put(frame, at, chunk.items().get(i).json());
    }
    frame[at++] = ']';
    frame[at++] = '}';
    setLength(frame);
    return frame;
  }

  /** Sets or clears {@link #BUSY_FLAG} on an encoded request, just before it is written. */
  static void markBusy(byte[] frame, boolean busy) {
    frame[0] = (byte) (busy ? frame[0] | BUSY_FLAG : frame[0] & ~BUSY_FLAG);
  }

  private static int put(byte[] into, int at, byte[] bytes) {
    System.arraycopy(bytes, 0, into, at, bytes.length);
    return at + bytes.length;
  }

  /** Writes the fields after the call id and the function's name. */
  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] frame(long id, FunctionRef ref, Fields fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    out.write(0);
    out.write(0);
    out.write(0);
    out.write(0);
    // The id comes first: a worker that cannot parse the rest still finds whom to answer.
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setCodec(JSON);
      g.writeStartObject();
      g.writeNumberField("id", id);
      g.writeStringField("p", ref.pkg());
      g.writeStringField("f", ref.function());
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] frame = out.toByteArray();
    setLength(frame);
    return frame;
  }

  /** Writes the length prefix of a frame (its first 4 bytes). */
  private static void setLength(byte[] frame) {
    int len = frame.length - 4;
    frame[0] = (byte) (len >>> 24);
    frame[1] = (byte) (len >>> 16);
    frame[2] = (byte) (len >>> 8);
    frame[3] = (byte) len;
  }

  private static void writeTree(JsonGenerator g, String field, JsonNode node) throws IOException {
    if (node != null && !node.isNull()) {
      g.writeFieldName(field);
      g.writeTree(node);
    }
  }

  /** Bytes before an answer's payload: its length, status byte and call id. */
  static final int ANSWER_HEAD_BYTES = 13;

  /**
   * The head of one answer frame.
   *
   * @param length the frame's length after its 4-byte prefix (status, id and payload)
   * @param status the status byte as sent, {@link #RETIRE_FLAG} included
   */
  record AnswerHead(int length, int status, long callId) {

    int payloadBytes() {
      return length - 9;
    }

    /** The answer carrying {@code payload}. */
    Answer answer(byte[] payload) {
      return new Answer(status & ~RETIRE_FLAG, (status & RETIRE_FLAG) != 0, callId, payload);
    }

    /** The answer of a frame longer than the runtime accepts, whose payload was skipped. */
    Answer oversized() {
      return new Answer(STATUS_OVERSIZED, (status & RETIRE_FLAG) != 0, callId, new byte[0]);
    }
  }

  /**
   * Reads the head of an answer frame from {@code in}, which holds at least {@link
   * #ANSWER_HEAD_BYTES}. A frame longer than the runtime accepts is to be skipped unread (see
   * {@link AnswerHead#oversized}), so no answer can exhaust the heap.
   */
  static AnswerHead readHead(ByteBuf in) throws IOException {
    int len = in.readInt();
    if (len < 9 || len > MAX_FRAME) {
      throw new IOException("corrupt frame length " + len);
    }
    return new AnswerHead(len, in.readUnsignedByte(), in.readLong());
  }

  /** The outcome a single call's answer carries. */
  static CallOutcome outcome(Answer answer) {
    return outcome(answer.status(), answer.payload());
  }

  private static CallOutcome outcome(int status, byte[] payload) {
    return status == STATUS_OK ? new CallOutcome.Success(payload) : failure(payload);
  }

  /**
   * Reads a chunk report into {@code outcomes}: a 4-byte first item index, a 4-byte count, then per
   * item a status byte, a 4-byte length and the bytes. Reports come in item order, so the first
   * index must be {@code next}. Returns the index after the last item.
   */
  static int readChunkReport(byte[] payload, CallOutcome[] outcomes, int next) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(payload);
    try {
      int first = b.getInt();
      int count = b.getInt();
      if (first != next || count < 0 || count > outcomes.length - first) {
        throw new IOException("chunk report out of range: " + first + "+" + count);
      }
      for (int i = first; i < first + count; i++) {
        int status = b.get();
        byte[] item = new byte[b.getInt()];
        b.get(item);
        outcomes[i] = outcome(status, item);
      }
      return first + count;
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      throw new IOException("truncated chunk report", e);
    }
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
            case "result_too_large" -> FailureKind.RESULT_TOO_LARGE;
            case "unreadable_request" -> FailureKind.UNREADABLE_REQUEST;
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
