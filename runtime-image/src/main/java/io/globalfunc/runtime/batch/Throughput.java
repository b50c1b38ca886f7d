package io.globalfunc.runtime.batch;

/**
 * Items per second an executor finishes while it has work, from its sends and answers alone: what a
 * batch agent, which cannot see its runtime's queue, uses to judge how long the tasks it sent will
 * take ({@link ReadAhead}). The items answered over the time anything was out: answers that come
 * together (tasks run side by side) and idle spells between batches do not skew it; halved when
 * that time passes {@link #WINDOW_NANOS}, so a change of pace shows within seconds. Thread-safe.
 */
final class Throughput {

  static final long WINDOW_NANOS = 10_000_000_000L;

  private int inFlight;
  private long last; // the last send or answer
  private long busy; // time with something out
  private double done; // items answered in that time

  /** A task was sent at {@code now}. */
  synchronized void started(long now) {
    advance(now);
    inFlight++;
  }

  /** A task of {@code items} items was answered at {@code now}. */
  synchronized void finished(int items, long now) {
    advance(now);
    inFlight = Math.max(0, inFlight - 1);
    done += items;
    if (busy > WINDOW_NANOS) {
      busy /= 2;
      done /= 2;
    }
  }

  private void advance(long now) {
    if (inFlight > 0) {
      busy += Math.max(0, now - last);
    }
    last = now;
  }

  /** How long {@code items} items take at the pace seen; -1 before anything was answered. */
  synchronized long nanosFor(int items) {
    return done <= 0 || busy <= 0 ? -1 : (long) (items * (busy / done));
  }
}
