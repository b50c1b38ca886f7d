package io.globalfunc.cli;

import io.globalfunc.core.catalog.SaveListener;
import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr, redrawn in place; silent unless {@code enabled} (gf on a
 * terminal, or {@code GF_PROGRESS=1}: {@link GfCommand#progressBar}), so logs and scripts get no
 * carriage returns.
 */
final class ProgressBar implements SaveListener {

  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final String label;
  private final boolean enabled;
  private int lastPercent = -1;

  ProgressBar(PrintWriter err, String label, boolean enabled) {
    this.err = err;
    this.label = label;
    this.enabled = enabled;
  }

  @Override
  public synchronized void progress(int done, int total) {
    if (!enabled || total == 0) {
      return;
    }
    int percent = (int) (100L * done / total);
    if (percent == lastPercent) {
      return;
    }
    lastPercent = percent;
    int filled = WIDTH * percent / 100;
    err.print(
        "\r"
            + label
            + " ["
            + "#".repeat(filled)
            + ".".repeat(WIDTH - filled)
            + "] "
            + done
            + "/"
            + total);
    if (done >= total) {
      err.println();
    }
    err.flush();
  }
}
