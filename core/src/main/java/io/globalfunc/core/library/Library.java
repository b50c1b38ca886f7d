package io.globalfunc.core.library;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A function library as read from one source: its catalogued files in path order and, for Git, the
 * branch and the pinned commit they were read at.
 *
 * @param source where it was read from (a directory or a repository URL), for people
 * @param branch the branch, or {@code null} when read from a directory outside Git
 * @param commit the pinned commit id, or {@code null} when read from a working directory
 */
public record Library(String source, String branch, String commit, List<LibraryFile> files) {

  public Library {
    files = files.stream().sorted(Comparator.comparing(LibraryFile::path)).toList();
  }

  /** Files by path. */
  public Map<String, LibraryFile> byPath() {
    Map<String, LibraryFile> map = new LinkedHashMap<>();
    files.forEach(f -> map.put(f.path(), f));
    return map;
  }

  /** The file at a path, if catalogued. */
  public Optional<LibraryFile> file(String path) {
    return files.stream().filter(f -> f.path().equals(path)).findFirst();
  }

  /** Files at {@code package/name.py}: the candidates for callables, before introspection. */
  public List<LibraryFile> functionFiles() {
    return files.stream().filter(f -> f.functionRef().isPresent()).toList();
  }
}
