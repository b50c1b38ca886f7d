package io.globalfunc.core.library;

import io.globalfunc.core.naming.FunctionName;

/**
 * A callable's short name within one library: {@code package.function}, the form {@code POST
 * /gfgo/} uses. Both parts are Python identifiers; nothing else (no dotted paths, no dunders).
 */
public record FunctionRef(String pkg, String function) {

  public FunctionRef {
    if (!isSafe(pkg) || !isSafe(function)) {
      throw new IllegalArgumentException("not a package.function name: " + pkg + "." + function);
    }
  }

  /**
   * Parses {@code package.function}; returns {@code null} when the text is not exactly two safe
   * identifiers joined by one dot.
   */
  public static FunctionRef parseOrNull(String packFunc) {
    if (packFunc == null) {
      return null;
    }
    int dot = packFunc.indexOf('.');
    if (dot <= 0 || dot != packFunc.lastIndexOf('.')) {
      return null;
    }
    String pkg = packFunc.substring(0, dot);
    String function = packFunc.substring(dot + 1);
    return isSafe(pkg) && isSafe(function) ? new FunctionRef(pkg, function) : null;
  }

  /** An identifier that the scan rules could ever catalogue as callable (no leading {@code _}). */
  static boolean isSafe(String part) {
    return FunctionName.isIdentifier(part) && !part.startsWith("_");
  }

  /** {@code package.function}. */
  public String callName() {
    return pkg + "." + function;
  }

  /** The file that must define it. */
  public String path() {
    return pkg + "/" + function + ".py";
  }

  /** The full three-tier name at a space and branch. */
  public FunctionName at(String space, String branch) {
    return FunctionName.of(space, pkg, branch, function);
  }

  @Override
  public String toString() {
    return callName();
  }
}
