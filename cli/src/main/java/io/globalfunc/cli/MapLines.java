package io.globalfunc.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.globalfunc.core.batch.ResultEnvelope;
import io.globalfunc.core.worker.JsonScan;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The lines of {@code gf map}, split, checked and rewritten as UTF-8 bytes by streaming over their
 * tokens rather than by building JSON trees or strings: a map of a million items spent most of its
 * own time doing that.
 */
final class MapLines {

  private static final JsonFactory JSON = new JsonFactory();

  private MapLines() {}

  /**
   * The lines of {@code text}, each stripped of surrounding whitespace: split where {@link
   * java.io.BufferedReader#readLine()} splits ({@code \n}, {@code \r} or {@code \r\n}), with no
   * empty line after a final line break.
   */
  static Slices split(byte[] text) {
    Slices lines = new Slices(text);
    int start = 0;
    int i = 0;
    while (i < text.length) {
      byte c = text[i];
      if (c == '\n' || c == '\r') {
        strip(lines, text, start, i);
        i += c == '\r' && i + 1 < text.length && text[i + 1] == '\n' ? 2 : 1;
        start = i;
      } else {
        i++;
      }
    }
    if (start < text.length) {
      strip(lines, text, start, text.length);
    }
    return lines;
  }

  /** Adds {@code text[from, to)} without surrounding whitespace, as {@link String#strip()} says. */
  private static void strip(Slices lines, byte[] text, int from, int to) {
    while (from < to && isAsciiSpace(text[from])) {
      from++;
    }
    while (to > from && isAsciiSpace(text[to - 1])) {
      to--;
    }
    if (from < to && (text[from] < 0 || text[to - 1] < 0)) {
      // A non-ASCII character at an end may be whitespace too (U+3000...): ask String.
      String s = new String(text, from, to - from, StandardCharsets.UTF_8).strip();
      lines.addCopy(s.getBytes(StandardCharsets.UTF_8));
    } else {
      lines.addSlice(from, to);
    }
  }

  private static boolean isAsciiSpace(byte c) {
    return c >= 0 && Character.isWhitespace(c);
  }

  /**
   * Why {@code text} (one input line, stripped) is not one JSON object of keyword arguments, or
   * null when it is: the item is then sent as written.
   */
  static String problem(String text) {
    return problem(text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@link #problem(String)} of a line's UTF-8 bytes. */
  static String problem(byte[] text) {
    if (JsonScan.isObject(text)) {
      return null; // the common case, without a parser; a parser says what is wrong otherwise
    }
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return "not a JSON object of keyword arguments";
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        return "not JSON: more after the object at column " + p.currentLocation().getColumnNr();
      }
      return null;
    } catch (IOException e) {
      return "not JSON: " + e.getMessage().lines().findFirst().orElse("");
    }
  }

  /**
   * {@code envelope} (a JSON object) without its top-level fields named in {@code drop}: the kept
   * fields are copied as written (the parser only finds where each ends).
   */
  static String without(String envelope, Set<String> drop) {
    return new String(
        without(envelope.getBytes(StandardCharsets.UTF_8), drop), StandardCharsets.UTF_8);
  }

  /** {@link #without(String, Set)} on an envelope's UTF-8 bytes. */
  static byte[] without(byte[] envelope, Set<String> drop) {
    byte[] fast = scanWithout(envelope, drop);
    return fast != null ? fast : ResultEnvelope.without(envelope, drop);
  }

  /**
   * {@link #without(byte[], Set)} by a byte scan, or null when the envelope is not one it is sure
   * of (a field name with an escape, anything not well-formed): the parser then does it.
   */
  private static byte[] scanWithout(byte[] envelope, Set<String> drop) {
    int at = JsonScan.skipSpace(envelope, 0);
    if (at >= envelope.length || envelope[at] != '{') {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(envelope.length);
    out.write('{');
    boolean first = true;
    at = JsonScan.skipSpace(envelope, at + 1);
    if (at < envelope.length && envelope[at] == '}') {
      return JsonScan.skipSpace(envelope, at + 1) == envelope.length ? new byte[] {'{', '}'} : null;
    }
    while (at < envelope.length && envelope[at] == '"') {
      int start = at;
      int nameEnd = at + 1;
      while (nameEnd < envelope.length && envelope[nameEnd] != '"' && envelope[nameEnd] != '\\') {
        nameEnd++;
      }
      if (nameEnd >= envelope.length || envelope[nameEnd] != '"') {
        return null;
      }
      String name = new String(envelope, at + 1, nameEnd - at - 1, StandardCharsets.UTF_8);
      at = JsonScan.skipSpace(envelope, nameEnd + 1);
      if (at >= envelope.length || envelope[at] != ':') {
        return null;
      }
      int end = JsonScan.value(envelope, JsonScan.skipSpace(envelope, at + 1), 0);
      if (end < 0) {
        return null;
      }
      if (!drop.contains(name)) {
        if (!first) {
          out.write(',');
        }
        out.write(envelope, start, end - start);
        first = false;
      }
      at = JsonScan.skipSpace(envelope, end);
      if (at < envelope.length && envelope[at] == '}') {
        if (JsonScan.skipSpace(envelope, at + 1) != envelope.length) {
          return null;
        }
        out.write('}');
        return out.toByteArray();
      }
      if (at >= envelope.length || envelope[at] != ',') {
        return null;
      }
      at = JsonScan.skipSpace(envelope, at + 1);
    }
    return null;
  }
}
