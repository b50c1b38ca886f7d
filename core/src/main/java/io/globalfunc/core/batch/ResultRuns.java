package io.globalfunc.core.batch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The owner of how results sit in a batch's results hashes. A task's stored items go in as runs:
 * each maximal stretch of consecutive items within one results hash is one field {@code
 * <first>+<count>} whose value packs their envelopes, the fields they share (the provenance)
 * written once. One field per run instead of one per item spares Redis and both clients a million
 * fields and ~100 bytes of repeated provenance per item. Fields named by a bare item number hold
 * one whole envelope: what versions before runs wrote; they are still read. Pure.
 *
 * <p>The shared fields are always the provenance ({@link ResultEnvelope#PROVENANCE}), so a reader
 * that leaves the provenance out ({@code gf map} without {@code --provenance}) takes the envelopes
 * as stored.
 *
 * <p>A run's value: a version byte ({@value #VERSION}), the shared fields' length (4 bytes, big
 * endian) and bytes, then per item a flag byte (1: the shared fields belong at the envelope's end),
 * the envelope's length (4 bytes) and its bytes.
 */
public final class ResultRuns {

  static final byte VERSION = 1;

  private ResultRuns() {}

  /** One stored item of a run: its envelope, and whether the run's shared fields belong to it. */
  public record Stored(byte[] envelope, boolean shared) {}

  /**
   * A run read back: items {@code first..first+items.size()-1} and the fields they share; {@code
   * single} for an older version's one whole envelope.
   */
  public record Run(int first, byte[] shared, List<Stored> items, boolean single) {

    /** The envelope of item {@code item} as stored, shared fields added when they belong. */
    public byte[] whole(int item) {
      Stored s = items.get(item - first);
      return s.shared() && shared.length > 0
          ? ResultEnvelope.annotate(s.envelope(), shared)
          : s.envelope();
    }

    /** The envelope of item {@code item} without its provenance. */
    public byte[] bare(int item) {
      byte[] envelope = items.get(item - first).envelope();
      return single ? ResultEnvelope.without(envelope, ResultEnvelope.PROVENANCE) : envelope;
    }

    public int end() {
      return first + items.size();
    }
  }

  /** The field of the run of {@code count} items from {@code first}. */
  public static String field(int first, int count) {
    return first + "+" + count;
  }

  /**
   * {@code {first, count}} of a run's field, {@code {item, 1}} for an older single-envelope field,
   * or null for anything else.
   */
  static int[] span(String field) {
    try {
      int plus = field.indexOf('+');
      if (plus < 0) {
        return new int[] {Integer.parseInt(field), 1};
      }
      int first = Integer.parseInt(field.substring(0, plus));
      int count = Integer.parseInt(field.substring(plus + 1));
      return first >= 0 && count > 0 ? new int[] {first, count} : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** True when {@code field} names an older version's single envelope (a bare item number). */
  static boolean isSingle(String field) {
    return field.indexOf('+') < 0;
  }

  /** The value of a run of {@code items} sharing {@code shared}. */
  static byte[] pack(byte[] shared, List<Stored> items) {
    int size = 1 + 4 + shared.length + 5 * items.size();
    for (Stored s : items) {
      size += s.envelope().length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(VERSION).putInt(shared.length).put(shared);
    for (Stored s : items) {
      out.put((byte) (s.shared() ? 1 : 0)).putInt(s.envelope().length).put(s.envelope());
    }
    return out.array();
  }

  /**
   * The run stored under {@code field} with {@code value}, or null when it is neither a run nor an
   * older single envelope this version can read.
   */
  static Run read(String field, byte[] value) {
    int[] span = span(field);
    if (span == null) {
      return null;
    }
    if (isSingle(field)) {
      return new Run(span[0], new byte[0], List.of(new Stored(value, false)), true);
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(value);
      if (in.get() != VERSION) {
        return null;
      }
      byte[] shared = new byte[in.getInt()];
      in.get(shared);
      List<Stored> items = new ArrayList<>(span[1]);
      for (int k = 0; k < span[1]; k++) {
        boolean withShared = in.get() == 1;
        byte[] envelope = new byte[in.getInt()];
        in.get(envelope);
        items.add(new Stored(envelope, withShared));
      }
      return in.hasRemaining() ? null : new Run(span[0], shared, items, false);
    } catch (RuntimeException e) { // BufferUnderflowException, NegativeArraySizeException
      return null;
    }
  }

  /**
   * The runs of a task's results within one results hash, as field/value pairs for {@code HSET}:
   * consecutive stored items whose shared fields agree form one run.
   */
  static List<byte[]> pairs(List<ItemResult> stored) {
    List<byte[]> out = new ArrayList<>();
    int k = 0;
    while (k < stored.size()) {
      byte[] shared = stored.get(k).shared();
      int end = k + 1;
      while (end < stored.size() && stored.get(end).item() == stored.get(end - 1).item() + 1) {
        byte[] next = stored.get(end).shared();
        if (next != null && shared != null && next != shared && !Arrays.equals(next, shared)) {
          break;
        }
        shared = shared == null ? next : shared;
        end++;
      }
      List<Stored> items = new ArrayList<>(end - k);
      for (ItemResult r : stored.subList(k, end)) {
        items.add(new Stored(r.payload(), r.shared() != null));
      }
      out.add(field(stored.get(k).item(), end - k).getBytes(StandardCharsets.US_ASCII));
      out.add(pack(shared == null ? new byte[0] : shared, items));
      k = end;
    }
    return out;
  }
}
