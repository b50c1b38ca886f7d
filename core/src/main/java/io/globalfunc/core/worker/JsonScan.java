package io.globalfunc.core.worker;

/**
 * Byte-level scans of JSON for per-item work ({@code gf map}'s lines, a batch task's items),
 * without a parser object per item (making one is most of the cost of checking a tiny item).
 * Strict: a scan that cannot be sure says so ({@code false} or {@code -1}) and the caller asks a
 * real parser, so a scan never accepts what the parser would refuse. Pure.
 */
public final class JsonScan {

  /** Deeper values go to the parser (which allows 1,000 levels). */
  private static final int MAX_DEPTH = 500;

  /** Longer numbers go to the parser (which has its own limit). */
  private static final int MAX_NUMBER = 100;

  private JsonScan() {}

  /**
   * True when {@code json} is exactly one well-formed JSON object (RFC 8259), with nothing but
   * whitespace around it; false when it is anything else or the scan is not sure.
   */
  public static boolean isObject(byte[] json) {
    int at = skipSpace(json, 0);
    if (at >= json.length || json[at] != '{') {
      return false;
    }
    int end = value(json, at, 0);
    return end > 0 && skipSpace(json, end) == json.length;
  }

  /**
   * Where the well-formed JSON value starting at {@code at} ends (the index after it), or -1 when
   * it is not one the scan is sure of.
   */
  public static int value(byte[] json, int at, int depth) {
    if (at >= json.length || depth > MAX_DEPTH) {
      return -1;
    }
    return switch (json[at]) {
      case '{' -> object(json, at + 1, depth + 1);
      case '[' -> array(json, at + 1, depth + 1);
      case '"' -> string(json, at + 1, false);
      case 't' -> literal(json, at, "true");
      case 'f' -> literal(json, at, "false");
      case 'n' -> literal(json, at, "null");
      default -> number(json, at);
    };
  }

  private static int object(byte[] json, int at, int depth) {
    at = skipSpace(json, at);
    if (at < json.length && json[at] == '}') {
      return at + 1;
    }
    while (true) {
      if (at >= json.length || json[at] != '"') {
        return -1;
      }
      at = skipSpace(json, string(json, at + 1, true));
      if (at <= 0 || at >= json.length || json[at] != ':') {
        return -1;
      }
      at = value(json, skipSpace(json, at + 1), depth);
      if (at < 0) {
        return -1;
      }
      at = skipSpace(json, at);
      if (at >= json.length) {
        return -1;
      }
      if (json[at] == '}') {
        return at + 1;
      }
      if (json[at] != ',') {
        return -1;
      }
      at = skipSpace(json, at + 1);
    }
  }

  private static int array(byte[] json, int at, int depth) {
    at = skipSpace(json, at);
    if (at < json.length && json[at] == ']') {
      return at + 1;
    }
    while (true) {
      at = value(json, at, depth);
      if (at < 0) {
        return -1;
      }
      at = skipSpace(json, at);
      if (at >= json.length) {
        return -1;
      }
      if (json[at] == ']') {
        return at + 1;
      }
      if (json[at] != ',') {
        return -1;
      }
      at = skipSpace(json, at + 1);
    }
  }

  /**
   * The end of a string whose opening quote is just before {@code at}. A {@code key} with a
   * surrogate escape goes to the parser: it takes a lone one in a value but refuses it in a name.
   */
  private static int string(byte[] json, int at, boolean key) {
    while (at < json.length) {
      byte c = json[at];
      if (c == '"') {
        return at + 1;
      }
      if (c >= 0 && c < 0x20) {
        return -1; // a raw control character: the parser refuses it
      }
      if (c < 0) {
        at = utf8(json, at);
        if (at < 0) {
          return -1;
        }
        continue;
      }
      if (c == '\\') {
        if (at + 1 >= json.length) {
          return -1;
        }
        switch (json[at + 1]) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> at += 2;
          case 'u' -> {
            int unit = 0;
            for (int k = 2; k < 6; k++) {
              int digit = at + k < json.length ? Character.digit(json[at + k], 16) : -1;
              if (digit < 0) {
                return -1;
              }
              unit = unit * 16 + digit;
            }
            if (key && Character.isSurrogate((char) unit)) {
              return -1;
            }
            at += 6;
          }
          default -> {
            return -1;
          }
        }
      } else {
        at++;
      }
    }
    return -1;
  }

  /**
   * The end of the well-formed UTF-8 sequence at {@code at} (stricter than the parser: no overlong
   * forms, no surrogates), or -1.
   */
  private static int utf8(byte[] json, int at) {
    int lead = json[at] & 0xff;
    int n;
    int low = 0x80;
    int high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      n = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      n = 2;
      low = lead == 0xe0 ? 0xa0 : 0x80;
      high = lead == 0xed ? 0x9f : 0xbf;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      n = 3;
      low = lead == 0xf0 ? 0x90 : 0x80;
      high = lead == 0xf4 ? 0x8f : 0xbf;
    } else {
      return -1;
    }
    for (int k = 1; k <= n; k++) {
      if (at + k >= json.length) {
        return -1;
      }
      int c = json[at + k] & 0xff;
      if (k == 1 ? c < low || c > high : c < 0x80 || c > 0xbf) {
        return -1;
      }
    }
    return at + n + 1;
  }

  private static int literal(byte[] json, int at, String word) {
    if (at + word.length() > json.length) {
      return -1;
    }
    for (int k = 0; k < word.length(); k++) {
      if (json[at + k] != word.charAt(k)) {
        return -1;
      }
    }
    return ends(json, at + word.length()) ? at + word.length() : -1;
  }

  /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?} */
  private static int number(byte[] json, int at) {
    int start = at;
    if (at < json.length && json[at] == '-') {
      at++;
    }
    if (at >= json.length || !isDigit(json[at])) {
      return -1;
    }
    if (json[at] == '0') {
      at++;
    } else {
      at = digits(json, at);
    }
    if (at < json.length && json[at] == '.') {
      int frac = digits(json, at + 1);
      if (frac == at + 1) {
        return -1;
      }
      at = frac;
    }
    if (at < json.length && (json[at] == 'e' || json[at] == 'E')) {
      at++;
      if (at < json.length && (json[at] == '+' || json[at] == '-')) {
        at++;
      }
      int exp = digits(json, at);
      if (exp == at) {
        return -1;
      }
      at = exp;
    }
    return at - start <= MAX_NUMBER && ends(json, at) ? at : -1;
  }

  private static int digits(byte[] json, int at) {
    while (at < json.length && isDigit(json[at])) {
      at++;
    }
    return at;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  /** A number or literal ends at a separator, a closing bracket, whitespace or the end. */
  private static boolean ends(byte[] json, int at) {
    if (at >= json.length) {
      return true;
    }
    byte c = json[at];
    return c == ',' || c == '}' || c == ']' || isSpace(c);
  }

  public static int skipSpace(byte[] json, int at) {
    while (at >= 0 && at < json.length && isSpace(json[at])) {
      at++;
    }
    return at;
  }

  private static boolean isSpace(byte c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
}
