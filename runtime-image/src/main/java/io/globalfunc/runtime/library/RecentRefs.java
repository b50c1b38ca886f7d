package io.globalfunc.runtime.library;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The commits refs resolved to a moment ago, so that a burst of calls naming a ref asks the mirror
 * once: a resolution is reused for one second, and forgotten when the release switches.
 */
final class RecentRefs {

  /** How long a ref's resolution is reused before the mirror is asked again. */
  private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** A ref's commit and when it was resolved. */
  private record Resolved(String commit, long atNanos) {}

  private final Map<String, Resolved> refs = new ConcurrentHashMap<>();

  /** The commit {@code ref} resolved to less than the TTL ago, or {@code null}. */
  String commit(String ref) {
    Resolved r = refs.get(ref);
    return r != null && System.nanoTime() - r.atNanos() < TTL_NANOS ? r.commit() : null;
  }

  void put(String ref, String commit) {
    refs.put(ref, new Resolved(commit, System.nanoTime()));
  }

  void clear() {
    refs.clear();
  }
}
