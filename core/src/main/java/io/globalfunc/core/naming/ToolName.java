package io.globalfunc.core.naming;

import io.globalfunc.core.library.FunctionRef;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The name a function has as an MCP tool (and as an OpenAPI operationId): {@code package-function},
 * ASCII only, so that it is valid under MCP's tool-name rules and the stricter ones of model APIs
 * ({@code [A-Za-z0-9_-]{1,128}}), and maps back to {@code Package.function}.
 *
 * <p>ASCII letters, digits and {@code _} stand for themselves. Any other character (Chinese
 * included) becomes {@code -} and six lowercase hex digits of its code point, so {@code 文本.字数统计} is
 * {@code -006587-00672c--005b57-006570-007edf-008ba1}. The single separator {@code -} is never
 * followed by a digit (identifiers do not start with one) while an escape always is, so every name
 * splits back into exactly one package and one function.
 */
public final class ToolName {

  /** What MCP clients and model APIs accept as a tool name. */
  public static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  /** The longest tool name MCP allows. */
  public static final int MAX_LENGTH = 128;

  private static final char DASH = '-';
  private static final int HEX = 6;

  private ToolName() {}

  /** The tool name of {@code package.function}. */
  public static String of(FunctionRef ref) {
    return encode(ref.pkg()) + DASH + encode(ref.function());
  }

  /** True when the tool name of {@code ref} fits the 128 characters MCP allows. */
  public static boolean fits(FunctionRef ref) {
    return of(ref).length() <= MAX_LENGTH;
  }

  /**
   * The function a tool name stands for, or {@code null} when the text is not a tool name this
   * class spelled.
   */
  public static FunctionRef parseOrNull(String tool) {
    if (tool == null || !VALID.matcher(tool).matches()) {
      return null;
    }
    StringBuilder pkg = new StringBuilder();
    StringBuilder current = pkg;
    StringBuilder function = null;
    int i = 0;
    while (i < tool.length()) {
      char c = tool.charAt(i);
      if (c != DASH) {
        current.append(c);
        i++;
      } else if (i + 1 < tool.length() && Character.isDigit(tool.charAt(i + 1))) {
        if (i + 1 + HEX > tool.length()) {
          return null;
        }
        int codePoint = decodeHex(tool.substring(i + 1, i + 1 + HEX));
        if (codePoint < 0 || isPlain(codePoint)) {
          return null; // not what encode() writes: keeps the mapping one-to-one
        }
        current.appendCodePoint(codePoint);
        i += 1 + HEX;
      } else if (function == null) {
        function = new StringBuilder();
        current = function;
        i++;
      } else {
        return null;
      }
    }
    if (function == null) {
      return null;
    }
    return FunctionRef.parseOrNull(pkg + "." + function);
  }

  private static String encode(String part) {
    StringBuilder b = new StringBuilder(part.length());
    part.codePoints()
        .forEach(
            cp -> {
              if (isPlain(cp)) {
                b.append((char) cp);
              } else {
                b.append(DASH).append(String.format(Locale.ROOT, "%06x", cp));
              }
            });
    return b.toString();
  }

  private static boolean isPlain(int cp) {
    return cp < 128 && (Character.isLetterOrDigit(cp) || cp == '_');
  }

  private static int decodeHex(String hex) {
    for (int k = 0; k < hex.length(); k++) {
      char h = hex.charAt(k);
      if (!(h >= '0' && h <= '9' || h >= 'a' && h <= 'f')) {
        return -1;
      }
    }
    int cp = Integer.parseInt(hex, 16);
    return Character.isValidCodePoint(cp) ? cp : -1;
  }
}
