package io.globalfunc.core.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * One item of a chunk: the UTF-8 bytes of exactly one JSON object (keyword arguments) or array
 * (positional arguments). Checked once by streaming over its tokens, never turned into a tree, so
 * it goes into a worker frame as written: a batch item reaches Python as its caller wrote it (a
 * lone surrogate escape stays an escape) and costs a fraction of a parse-and-encode. Only {@link
 * #parse} and {@link #of} make one, so no item can carry more than one value into a frame.
 */
public final class JsonItem {

  /** What a text holds when it is well-formed JSON but no chunk item. */
  public enum Shape {
    OBJECT,
    ARRAY,
    OTHER
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  /**
   * The deepest nesting an item may have: Python's JSON reader gives up a little under 1,000 levels
   * (its recursion limit, shared with the worker's own frames), and a chunk frame adds two.
   */
  public static final int MAX_DEPTH = 900;

  /**
   * Items up to this size may be checked by {@link JsonScan}; longer ones go to the parser, whose
   * limits (a string's length) the scan does not apply.
   */
  private static final int SCAN_BYTES = 1 << 20;

  private final byte[] json;
  private final Shape shape;

  private JsonItem(byte[] json, Shape shape) {
    this.json = json;
    this.shape = shape;
  }

  /**
   * The first JSON value of {@code utf8} (what a tree reader would take: anything after it is
   * ignored, like {@link ObjectMapper#readTree(byte[])} does); its shape is {@link Shape#OTHER}
   * when it is neither an object nor an array, or when there is no value at all. Every string is
   * decoded, so bytes that are not UTF-8 are refused like by a tree reader.
   *
   * @throws IOException when the value is not well-formed JSON, or is nested deeper than {@link
   *     #MAX_DEPTH}
   */
  public static JsonItem parse(byte[] utf8) throws IOException {
    if (utf8.length <= SCAN_BYTES
        && utf8.length > 1
        && utf8[0] == '{'
        && utf8[utf8.length - 1] == '}'
        && JsonScan.isObject(utf8)) {
      // The common item, one object and nothing around it, without a parser per item (most of a
      // runtime's time on tiny items): the scan accepts nothing the parser below would refuse.
      return new JsonItem(utf8, Shape.OBJECT);
    }
    return parsed(utf8);
  }

  /** {@link #parse} by a parser: for every item the byte scan is not sure of. */
  static JsonItem parsed(byte[] utf8) throws IOException {
    try (JsonParser p = FACTORY.createParser(utf8)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return new JsonItem(utf8, Shape.OTHER);
      }
      int start = (int) p.currentTokenLocation().getByteOffset();
      int depth = 0;
      JsonToken t = first;
      while (true) {
        if (t == null) {
          throw new IOException("Unexpected end-of-input: the value is not closed");
        }
        if (t.isStructStart()) {
          if (++depth > MAX_DEPTH) {
            throw new IOException("the value is nested deeper than " + MAX_DEPTH + " levels");
          }
        } else if (t.isStructEnd()) {
          depth--;
        } else if (t == JsonToken.VALUE_STRING) {
          p.getTextLength(); // strings are decoded lazily: this checks their UTF-8 and escapes
        } else if (t.isNumeric()) {
          p.getNumberType(); // numbers too are checked only once read
        }
        if (depth == 0) {
          break;
        }
        t = p.nextToken();
      }
      int end = (int) p.currentLocation().getByteOffset();
      byte[] value = start == 0 && end == utf8.length ? utf8 : Arrays.copyOfRange(utf8, start, end);
      Shape shape =
          first == JsonToken.START_OBJECT
              ? Shape.OBJECT
              : first == JsonToken.START_ARRAY ? Shape.ARRAY : Shape.OTHER;
      return new JsonItem(value, shape);
    }
  }

  /** A tree as an item; {@link IllegalArgumentException} when it is neither object nor array. */
  public static JsonItem of(JsonNode node) {
    if (node == null || !node.isObject() && !node.isArray()) {
      throw new IllegalArgumentException("chunk items must be JSON objects or arrays");
    }
    try {
      return new JsonItem(
          JSON.writeValueAsBytes(node), node.isObject() ? Shape.OBJECT : Shape.ARRAY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The item's bytes (not a copy: do not change them). */
  public byte[] json() {
    return json;
  }

  public Shape shape() {
    return shape;
  }

  /** True when the item can go into a chunk: an object or an array. */
  public boolean isArguments() {
    return shape != Shape.OTHER;
  }
}
