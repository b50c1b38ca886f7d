package io.globalfunc.core.batch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The owner of how a {@link BatchTask} is spelled as a stream entry: fields {@code batch}, {@code
 * fn}, {@code from}, {@code n}, {@code r} (retries), then the items' JSON bytes untouched, all in
 * one field {@code items}, each behind its 4-byte big-endian length (one field for the whole task
 * keeps Redis and both clients from handling a million fields for a million items). Entries with
 * one field per item ({@code 0}, {@code 1}, ...: what the completion script writes for an item to
 * retry, and what earlier versions wrote) are read too. Pure.
 */
public final class TaskEntries {

  static final String BATCH = "batch";
  static final String FUNCTION = "fn";
  static final String FROM = "from";
  static final String COUNT = "n";
  static final String RETRIES = "r";
  static final String ITEMS = "items";

  private TaskEntries() {}

  /** The field/value pairs of an entry, in XADD order. */
  public static List<Object> fields(
      String batchId, String function, int from, List<byte[]> items, int retries) {
    List<Object> out = new ArrayList<>(12);
    out.add(BATCH);
    out.add(batchId);
    out.add(FUNCTION);
    out.add(function);
    out.add(FROM);
    out.add(Integer.toString(from));
    out.add(COUNT);
    out.add(Integer.toString(items.size()));
    out.add(RETRIES);
    out.add(Integer.toString(retries));
    out.add(ITEMS);
    out.add(pack(items));
    return out;
  }

  /** The items, each behind its 4-byte big-endian length. */
  static byte[] pack(List<byte[]> items) {
    int size = 4 * items.size();
    for (byte[] item : items) {
      size += item.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    for (byte[] item : items) {
      out.putInt(item.length).put(item);
    }
    return out.array();
  }

  /** The {@code n} items {@link #pack} packed; throws when {@code packed} holds anything else. */
  static List<byte[]> unpack(byte[] packed, int n) {
    ByteBuffer in = ByteBuffer.wrap(packed);
    List<byte[]> items = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      byte[] item = new byte[in.getInt()];
      in.get(item);
      items.add(item);
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("more bytes after the last item");
    }
    return items;
  }

  /** Reads an entry's fields back; a malformed entry when any field is missing or wrong. */
  public static BatchTask parse(String streamId, Map<String, byte[]> fields) {
    try {
      int n = Integer.parseInt(text(fields, COUNT));
      List<byte[]> items =
          fields.containsKey(ITEMS) ? unpack(fields.get(ITEMS), n) : apart(fields, n);
      if (items == null) {
        return BatchTask.malformed(streamId);
      }
      String retries = fields.containsKey(RETRIES) ? text(fields, RETRIES) : "0";
      return new BatchTask(
          streamId,
          text(fields, BATCH),
          Integer.parseInt(text(fields, FROM)),
          text(fields, FUNCTION),
          items,
          Integer.parseInt(retries));
    } catch (RuntimeException e) { // BufferUnderflowException, NegativeArraySizeException too
      return BatchTask.malformed(streamId);
    }
  }

  /** Items in fields of their own ({@code 0}, {@code 1}, ...), or null when one is missing. */
  private static List<byte[]> apart(Map<String, byte[]> fields, int n) {
    List<byte[]> items = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      byte[] item = fields.get(Integer.toString(k));
      if (item == null) {
        return null;
      }
      items.add(item);
    }
    return items;
  }

  private static String text(Map<String, byte[]> fields, String name) {
    byte[] v = fields.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no field " + name);
    }
    return new String(v, StandardCharsets.UTF_8);
  }
}
