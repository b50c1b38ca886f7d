package io.globalfunc.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A caller giving up on a command. The command's thread is not interrupted: an interrupt closes the
 * NIO channels it is using, which a daemon shares between commands (Lucene's index files). Instead
 * each blocking step that may last (an HTTP request) registers how to abort it, and output is
 * dropped.
 */
final class Cancel {

  /** Ends a registration. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private final List<Runnable> aborts = new ArrayList<>();
  private boolean cancelled;

  /** Runs {@code abort} on cancel (at once when already cancelled) until the result is closed. */
  synchronized Registration onCancel(Runnable abort) {
    if (cancelled) {
      abort.run();
    }
    aborts.add(abort);
    return () -> {
      synchronized (this) {
        aborts.remove(abort);
      }
    };
  }

  /** Cancels: runs every registered abort once. */
  void cancel() {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      toRun = List.copyOf(aborts);
    }
    toRun.forEach(Runnable::run);
  }

  synchronized boolean cancelled() {
    return cancelled;
  }
}
