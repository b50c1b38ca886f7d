package io.globalfunc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * What an interrupted map left behind to resume from: {@code <output>.gfmap}. A map resumes only
 * its own run: the same function at the same ref ({@code function} as its tasks spell it), the same
 * number of lines and the same input ({@code input}: its length and CRC-32C; absent in states of
 * older versions, which match on the rest).
 */
record MapState(String function, int lines, String batch, String input) {
  static Path file(Path output) {
    return output.resolveSibling(output.getFileName() + ".gfmap");
  }

  /**
   * The state of this map, or {@code null}; a state of another map is discarded when it wrote
   * nothing (a mistyped command), else refused with the way out.
   */
  static MapState load(
      Path output, String function, String input, int lines, int written, PrintWriter err) {
    Path f = file(output);
    if (!Files.exists(f)) {
      return null;
    }
    MapState s;
    try {
      s = PLAIN.readValue(f.toFile(), MapState.class);
    } catch (IOException e) {
      throw new GfException(
          "unreadable " + f + ": " + e.getMessage() + " (remove it to start the map over)");
    }
    boolean sameInput = s.input() == null || s.input().equals(input);
    if (s.function().equals(function) && s.lines() == lines && sameInput) {
      return s;
    }
    String other =
        s.function() + " over " + s.lines() + " lines" + (sameInput ? "" : " of another input");
    if (written == 0) {
      err.println(
          "gf: note: discarding " + f + " of an earlier map (" + other + ") that wrote nothing");
      try {
        Files.delete(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return null;
    }
    throw new GfException(
        output
            + " holds a partial map of "
            + other
            + ": rerun that map to finish it, or remove "
            + output
            + " and "
            + f
            + " to start this one (or choose another --output)");
  }

  static MapState create(Path output, String function, String input, int lines, String batch) {
    MapState s = new MapState(function, lines, batch, input);
    try {
      PLAIN.writeValue(file(output).toFile(), s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s;
  }

  /** The identity of an input's bytes: not a secure hash, a check that it is the same file. */
  static String digest(byte[] input) {
    CRC32C crc = new CRC32C();
    crc.update(input);
    return input.length + "-" + Long.toHexString(crc.getValue());
  }

  static void delete(Path output) throws IOException {
    Files.deleteIfExists(file(output));
  }

  private static final ObjectMapper PLAIN = new ObjectMapper();
}
