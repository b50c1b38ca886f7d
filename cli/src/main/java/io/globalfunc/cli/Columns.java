package io.globalfunc.cli;

import java.util.Collection;

/** Pads text to terminal columns, counting CJK and other wide characters as two. */
final class Columns {

  private Columns() {}

  /** Terminal columns {@code s} takes. */
  static int width(String s) {
    return s.codePoints().map(Columns::width).sum();
  }

  /** {@code s} followed by spaces up to {@code columns}. */
  static String pad(String s, int columns) {
    int w = width(s);
    return w >= columns ? s : s + " ".repeat(columns - w);
  }

  /** The widest of {@code values}. */
  static int widest(Collection<String> values) {
    return values.stream().mapToInt(Columns::width).max().orElse(0);
  }

  private static int width(int cp) {
    Character.UnicodeBlock b = Character.UnicodeBlock.of(cp);
    boolean wide =
        (cp >= 0x1100 && cp <= 0x115F)
            || (cp >= 0x2E80 && cp <= 0xA4CF)
            || (cp >= 0xAC00 && cp <= 0xD7A3)
            || (cp >= 0xF900 && cp <= 0xFAFF)
            || (cp >= 0xFE30 && cp <= 0xFE4F)
            || (cp >= 0xFF00 && cp <= 0xFF60)
            || (cp >= 0xFFE0 && cp <= 0xFFE6)
            || (cp >= 0x20000 && cp <= 0x3FFFD)
            || b == Character.UnicodeBlock.CJK_UNIFIED_IDEOGRAPHS;
    return wide ? 2 : 1;
  }
}
