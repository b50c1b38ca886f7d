package io.globalfunc.cli;

import io.globalfunc.core.catalog.SaveListener;
import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal (so
 * logs and scripts get no carriage returns) unless {@code GF_PROGRESS=1}.
 */
final class ProgressBar implements SaveListener {

  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final String label;
  private final boolean enabled;
  private int lastPercent = -1;

  ProgressBar(PrintWriter err, String label) {
    this.err = err;
    this.label = label;
    this.enabled = System.console() != null || "1".equals(System.getenv("GF_PROGRESS"));
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
