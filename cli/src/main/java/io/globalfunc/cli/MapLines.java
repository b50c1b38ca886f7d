package io.globalfunc.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
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

  /** {@code envelope} (a JSON object) without its top-level fields named in {@code drop}. */
  static String without(String envelope, Set<String> drop) {
    StringWriter out = new StringWriter(envelope.length());
    try (JsonParser p = JSON.createParser(envelope);
        JsonGenerator g = JSON.createGenerator(out)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return envelope;
      }
      g.writeStartObject();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (drop.contains(name)) {
          p.skipChildren();
        } else {
          g.writeFieldName(name);
          g.copyCurrentStructure(p);
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable result envelope", e);
    }
    return out.toString();
  }
}
