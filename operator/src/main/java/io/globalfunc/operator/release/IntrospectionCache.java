package io.globalfunc.operator.release;

import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the introspector found at a commit, kept for the next polls: a release polled every few
 * seconds finds its branch where it was most of the time, and its files at a commit never change,
 * so only a new commit (or another package subset) needs a Python process.
 */
final class IntrospectionCache {

  /** One release's library: the commit and the function files read from it. */
  private record Key(String commit, List<String> paths) {}

  private final int capacity;

  // Access order: the least recently polled commit goes first.
  private final Map<Key, Map<FunctionRef, FunctionInfo>> entries;

  IntrospectionCache(int capacity) {
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** The functions of {@code library}, from {@code describer} only when not known yet. */
  Map<FunctionRef, FunctionInfo> describe(
      Library library, Function<Library, Map<FunctionRef, FunctionInfo>> describer) {
    if (library.commit() == null) {
      return describer.apply(library); // a folder outside Git can change under the same name
    }
    Key key =
        new Key(library.commit(), library.functionFiles().stream().map(LibraryFile::path).toList());
    synchronized (entries) {
      Map<FunctionRef, FunctionInfo> known = entries.get(key);
      if (known != null) {
        return known;
      }
    }
    // Outside the lock: two releases may introspect at once, at worst the same commit twice.
    Map<FunctionRef, FunctionInfo> infos =
        Collections.unmodifiableMap(new LinkedHashMap<>(describer.apply(library)));
    synchronized (entries) {
      entries.put(key, infos);
      if (entries.size() > capacity) {
        entries.remove(entries.keySet().iterator().next());
      }
    }
    return infos;
  }
}
