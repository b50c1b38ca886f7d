package io.globalfunc.cli;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Pieces of one byte array, kept as offsets and handed out as copies: a map's million input lines
 * live as a few arrays instead of a million small ones, which the garbage collector otherwise
 * copied one by one (a quarter of a second of pauses per million lines). A piece may be replaced by
 * other bytes ({@link #replace}). Read-only list.
 */
final class Slices extends AbstractList<byte[]> implements RandomAccess {

  private final byte[] text;
  private int[] from = new int[16];
  private int[] to = new int[16];
  private int size;
  private final Map<Integer, byte[]> replaced = new HashMap<>();

  Slices(byte[] text) {
    this.text = text;
  }

  /** Adds the piece {@code text[start, end)}. */
  void addSlice(int start, int end) {
    if (size == from.length) {
      from = Arrays.copyOf(from, size * 2);
      to = Arrays.copyOf(to, size * 2);
    }
    from[size] = start;
    to[size] = end;
    size++;
  }

  /** Adds a piece that is not a slice of the text as it is. */
  void addCopy(byte[] bytes) {
    replaced.put(size, bytes);
    addSlice(0, 0);
  }

  @Override
  public byte[] get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    byte[] r = replaced.get(index);
    return r != null ? r.clone() : Arrays.copyOfRange(text, from[index], to[index]);
  }

  @Override
  public int size() {
    return size;
  }

  /** The pieces at {@code indexes[0..count-1]}, in that order. */
  List<byte[]> select(int[] indexes, int count) {
    return new Selection(indexes, count);
  }

  /** Chosen slices by index, as a list that copies nothing. */
  private final class Selection extends AbstractList<byte[]> implements RandomAccess {
    private final int[] indexes;
    private final int count;

    Selection(int[] indexes, int count) {
      this.indexes = indexes;
      this.count = count;
    }

    @Override
    public byte[] get(int index) {
      if (index < 0 || index >= count) {
        throw new IndexOutOfBoundsException(index);
      }
      return Slices.this.get(indexes[index]);
    }

    @Override
    public int size() {
      return count;
    }
  }
}
