package io.globalfunc.core.catalog;

/** Progress of a save, for progress bars: called with functions written so far and the total. */
@FunctionalInterface
public interface SaveListener {

  /** Does nothing. */
  SaveListener NONE = (done, total) -> {};

  void progress(int done, int total);
}
