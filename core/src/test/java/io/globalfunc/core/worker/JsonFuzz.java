package io.globalfunc.core.worker;

import java.util.Random;

/** Random near-JSON objects for fuzzing the byte scans against Jackson: mostly broken, some not. */
final class JsonFuzz {

  private static final String[] PARTS = {
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"a\"",
    "\"\\ud800\"",
    "\"\\u00e9\"",
    "\"\\q\"",
    "1",
    "-0",
    "01",
    "1.5e3",
    "true",
    "nul",
    " ",
    "\"é\"",
    "x",
    "\"",
    "\\"
  };

  private JsonFuzz() {}

  /**
   * {@code {"k":} then up to 7 random parts, closed or not; with {@code leadingSpace}, one in four
   * starts with a space.
   */
  static String object(Random random, boolean leadingSpace) {
    boolean space = leadingSpace && random.nextInt(4) == 0;
    StringBuilder s = new StringBuilder(space ? " {\"k\":" : "{\"k\":");
    int len = random.nextInt(8);
    for (int i = 0; i < len; i++) {
      s.append(PARTS[random.nextInt(PARTS.length)]);
    }
    return s.append(random.nextBoolean() ? "}" : "").toString();
  }
}
