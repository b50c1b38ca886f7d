package io.globalfunc.core.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a JSON array into the exact bytes of each element, as its sender wrote them: a batch item
 * is stored as what the caller sent, never re-encoded (which would turn a lone surrogate such as
 * {@code "\ud800"} into {@code ?}). Pure.
 */
public final class JsonArrayItems {

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000).build())
          .build();

  private JsonArrayItems() {}

  /** The elements of the array {@code json}; throws when it is not one well-formed array. */
  public static List<byte[]> split(byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IOException("not a JSON array");
      }
      List<byte[]> out = new ArrayList<>();
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new IOException("the array is not closed");
        }
        int start = (int) p.currentTokenLocation().getByteOffset();
        if (t.isStructStart()) {
          p.skipChildren();
        } else {
          p.finishToken();
        }
        int end = (int) p.currentLocation().getByteOffset();
        out.add(Arrays.copyOfRange(json, start, end));
      }
      return out;
    }
  }
}
