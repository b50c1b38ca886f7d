package io.globalfunc.core.batch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The owner of how a {@link BatchTask} is spelled as a stream entry: fields {@code batch}, {@code
 * fn}, {@code from}, {@code n}, {@code r} (retries), then one field per item ({@code 0}, {@code 1},
 * ...) holding the item's JSON bytes untouched. Pure.
 */
public final class TaskEntries {

  static final String BATCH = "batch";
  static final String FUNCTION = "fn";
  static final String FROM = "from";
  static final String COUNT = "n";
  static final String RETRIES = "r";

  private TaskEntries() {}

  /** The field/value pairs of an entry, in XADD order. */
  public static List<Object> fields(
      String batchId, String function, int from, List<byte[]> items, int retries) {
    List<Object> out = new ArrayList<>(10 + 2 * items.size());
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
    for (int k = 0; k < items.size(); k++) {
      out.add(Integer.toString(k));
      out.add(items.get(k));
    }
    return out;
  }

  /** Reads an entry's fields back; a malformed entry when any field is missing or wrong. */
  public static BatchTask parse(String streamId, Map<String, byte[]> fields) {
    try {
      int n = Integer.parseInt(text(fields, COUNT));
      List<byte[]> items = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        byte[] item = fields.get(Integer.toString(k));
        if (item == null) {
          return BatchTask.malformed(streamId);
        }
        items.add(item);
      }
      String retries = fields.containsKey(RETRIES) ? text(fields, RETRIES) : "0";
      return new BatchTask(
          streamId,
          text(fields, BATCH),
          Integer.parseInt(text(fields, FROM)),
          text(fields, FUNCTION),
          items,
          Integer.parseInt(retries));
    } catch (RuntimeException e) {
      return BatchTask.malformed(streamId);
    }
  }

  private static String text(Map<String, byte[]> fields, String name) {
    byte[] v = fields.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no field " + name);
    }
    return new String(v, StandardCharsets.UTF_8);
  }
}
