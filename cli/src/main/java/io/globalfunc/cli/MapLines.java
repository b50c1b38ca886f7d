package io.globalfunc.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * The lines of {@code gf map}, checked and rewritten by streaming over their tokens rather than by
 * building JSON trees: a map of a million items spent most of its own time doing that.
 */
final class MapLines {

  /** An envelope's provenance fields, kept only with {@code --provenance}. */
  static final Set<String> PROVENANCE = Set.of("function", "commit", "hash", "worker", "cache");

  private static final JsonFactory JSON = new JsonFactory();

  private MapLines() {}

  /**
   * Why {@code text} (one input line, stripped) is not one JSON object of keyword arguments, or
   * null when it is: the item is then sent as written.
   */
  static String problem(String text) {
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
    try (JsonParser p = JSON.createParser(envelope)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return envelope;
      }
      StringBuilder out = new StringBuilder(envelope.length()).append('{');
      boolean first = true;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        int start = (int) p.currentTokenLocation().getCharOffset();
        String name = p.currentName();
        p.nextToken();
        p.skipChildren();
        p.finishToken(); // a string value is read lazily: its end is known only once read
        int end = (int) p.currentLocation().getCharOffset();
        if (!drop.contains(name)) {
          out.append(first ? "" : ",").append(envelope, start, end);
          first = false;
        }
      }
      return out.append('}').toString();
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable result envelope", e);
    }
  }
}
