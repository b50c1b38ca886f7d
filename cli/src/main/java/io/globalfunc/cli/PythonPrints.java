package io.globalfunc.cli;

import java.io.PrintWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Shows what a local call's function prints (the worker pool logs each line of the worker's stderr
 * to {@code gf.python}) on gf's stderr, without the pool's worker and call prefixes.
 */
final class PythonPrints extends Handler implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger("gf.python");

  /** {@code [worker 0] [call 1 stdout] }: the pool's and the worker's line prefixes. */
  private static final Pattern PREFIX =
      Pattern.compile("^\\[worker \\d+\\] (\\[call \\d+ std(out|err)\\] )?");

  private final PrintWriter err;
  private final Level previous;

  private PythonPrints(PrintWriter err) {
    this.err = err;
    this.previous = LOG.getLevel();
  }

  /** Starts forwarding the function's prints to {@code err} until closed. */
  static PythonPrints to(PrintWriter err) {
    PythonPrints h = new PythonPrints(err);
    LOG.setLevel(Level.INFO);
    LOG.addHandler(h);
    return h;
  }

  @Override
  public void publish(LogRecord r) {
    String line = String.valueOf(formatted(r));
    err.println(PREFIX.matcher(line).replaceFirst(""));
  }

  private static String formatted(LogRecord r) {
    Object[] params = r.getParameters();
    return params == null || params.length == 0
        ? r.getMessage()
        : java.text.MessageFormat.format(r.getMessage(), params);
  }

  @Override
  public void flush() {
    err.flush();
  }

  @Override
  public void close() {
    LOG.removeHandler(this);
    LOG.setLevel(previous);
    flush();
  }
}
