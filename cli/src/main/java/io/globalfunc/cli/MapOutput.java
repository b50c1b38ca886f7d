package io.globalfunc.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The output of {@code gf map}: envelopes in input order, malformed lines' problems in place, as
 * UTF-8 bytes (an envelope is written as it came, never decoded). Flushed when the caller says a
 * window of results is written (not per line: a million flushes are a million system calls), so a
 * killed map loses at most that window, which a rerun fetches again.
 */
final class MapOutput {
  private static final byte[] OK = "{\"ok\":true".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream w;
  private final MapCommand.Input in;
  private final ProgressBar bar;
  private int line; // next output line (0-based)
  private long failed;

  /**
   * @param written lines already in the output (a resumed map)
   * @param failedBefore how many of those are not successes
   */
  MapOutput(OutputStream w, MapCommand.Input in, int written, long failedBefore, ProgressBar bar) {
    this.w = w;
    this.in = in;
    this.line = written;
    this.failed = failedBefore;
    this.bar = bar;
  }

  /** Whether an output line is a success envelope. */
  static boolean isSuccess(String line) {
    return line.startsWith("{\"ok\":true");
  }

  private static boolean isSuccess(byte[] envelope) {
    return java.util.Arrays.equals(
        envelope, 0, Math.min(envelope.length, OK.length), OK, 0, OK.length);
  }

  /** Lines written so far (this run and before) that are not successes. */
  long failed() {
    return failed;
  }

  /** Valid items already written, i.e. where the item stream resumes. */
  int itemsDone() {
    int n = 0;
    for (int i = 0; i < line; i++) {
      if (in.lineProblem()[i] == null) {
        n++;
      }
    }
    return n;
  }

  /** Writes the malformed lines due next and flushes. */
  void flushMalformed() throws IOException {
    writeMalformed();
    w.flush();
  }

  private void writeMalformed() throws IOException {
    while (line < in.lineProblem().length && in.lineProblem()[line] != null) {
      w.write(in.lineProblem()[line].getBytes(StandardCharsets.UTF_8));
      w.write('\n');
      line++;
      failed++;
    }
  }

  void item(int item, byte[] envelope) throws IOException {
    if (in.itemLine()[item] != line) {
      throw new IllegalStateException("result " + item + " out of order at line " + (line + 1));
    }
    w.write(envelope);
    w.write('\n');
    line++;
    if (!isSuccess(envelope)) {
      failed++;
    }
    writeMalformed();
    bar.progress(line, in.lineProblem().length);
  }

  /** Makes what is written so far reach the file. */
  void flush() {
    try {
      w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What an output file holds already, read in one pass.
   *
   * @param lines its lines, 0 when there is no file
   * @param allEnvelopes every line is an envelope
   * @param failed lines that are not a success
   */
  record Existing(int lines, boolean allEnvelopes, long failed) {

    static Existing of(Path file) throws IOException {
      if (!Files.exists(file)) {
        return new Existing(0, true, 0);
      }
      int lines = 0;
      boolean allEnvelopes = true;
      long failed = 0;
      try (var all = Files.lines(file, StandardCharsets.UTF_8)) {
        for (String l : (Iterable<String>) all::iterator) {
          lines++;
          allEnvelopes &= l.startsWith("{\"ok\":");
          failed += isSuccess(l) ? 0 : 1;
        }
      }
      return new Existing(lines, allEnvelopes, failed);
    }
  }
}
