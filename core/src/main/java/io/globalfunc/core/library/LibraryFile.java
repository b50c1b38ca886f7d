package io.globalfunc.core.library;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One catalogued file of a library: its path relative to the library root ({@code /}-separated),
 * its exact bytes and its {@link FileMeta}.
 */
public record LibraryFile(String path, byte[] bytes, FileMeta meta) {

  /** The seed's scan key: the path with {@code /} replaced by {@code .}, e.g. {@code Base.f.py}. */
  public String key() {
    return path.replace('/', '.');
  }

  /** The file's text (UTF-8, malformed bytes replaced). */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The function this file may define, when it sits at {@code package/name.py}. */
  public Optional<FunctionRef> functionRef() {
    return ScanRules.functionRefOf(path);
  }
}
