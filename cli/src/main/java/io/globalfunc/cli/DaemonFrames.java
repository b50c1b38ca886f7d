package io.globalfunc.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The gf daemon's wire format, spoken by {@code scripts/gf_client.py} and {@link DaemonClient}: a
 * frame is one type byte, a 4-byte big-endian length and that many bytes.
 *
 * <p>A caller sends {@link #CWD}, one {@link #ARG} per argument, one {@link #ENV} per {@code
 * NAME=value}, then {@link #RUN}; later {@link #CANCEL} (or closing the connection) gives up. The
 * daemon answers {@link #GO}, then {@link #OUT} and {@link #ERR} chunks and one {@link #EXIT}; or
 * {@link #FRESH} alone when the command is not one it serves (the caller runs a fresh gf). {@link
 * #STATUS}, {@link #STOP} and {@link #LET_GO} (payload: an embedded catalog's file) are requests on
 * their own, answered like a command.
 */
final class DaemonFrames {

  static final byte CWD = 'C';
  static final byte ARG = 'A';
  static final byte ENV = 'E';
  static final byte RUN = 'R';
  static final byte CANCEL = 'K';
  static final byte STATUS = 'T';
  static final byte STOP = 'S';
  static final byte LET_GO = 'L';
  static final byte OUT = '1';
  static final byte ERR = '2';
  static final byte EXIT = 'X';
  static final byte FRESH = 'F';
  static final byte GO = 'G';

  /** A frame larger than this is not from a gf client. */
  static final int MAX = 16 << 20;

  private DaemonFrames() {}

  /** One frame. */
  record Frame(byte type, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int exitCode() {
      return ByteBuffer.wrap(payload).getInt();
    }
  }

  /** The next frame, or null at the end of the stream. */
  static Frame read(DataInputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    int length = in.readInt();
    if (length < 0 || length > MAX) {
      throw new IOException("not a gf daemon frame (length " + length + ")");
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame((byte) type, payload);
  }

  static DataInputStream input(InputStream in) {
    return new DataInputStream(new java.io.BufferedInputStream(in));
  }

  /** Writes one frame and flushes; callers sharing {@code out} synchronize on it. */
  static void write(OutputStream out, byte type, byte[] payload, int offset, int length)
      throws IOException {
    // One write per frame: a frame is one packet, not three.
    ByteBuffer frame = ByteBuffer.allocate(5 + length);
    frame.put(type).putInt(length).put(payload, offset, length);
    out.write(frame.array());
    out.flush();
  }

  static void write(OutputStream out, byte type, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    write(out, type, b, 0, b.length);
  }

  static void writeExit(OutputStream out, int code) throws IOException {
    byte[] b = ByteBuffer.allocate(4).putInt(code).array();
    write(out, EXIT, b, 0, 4);
  }
}
