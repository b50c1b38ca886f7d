package io.globalfunc.core.introspect;

import io.globalfunc.core.library.FunctionRef;
import java.util.List;

/**
 * What Python's {@code ast} says of a function file: whether it binds a top-level {@code name} (so
 * it is callable), its signature and its docstring, or why it could not be read.
 *
 * @param kind {@code function}, {@code async_function}, {@code class} or {@code binding}
 * @param error a syntax error, or {@code null}
 * @param pure the module sets {@code __gf_pure__ = True}: results depend on the arguments only, so
 *     they may be memoised
 */
public record FunctionInfo(
    FunctionRef ref,
    boolean callable,
    String kind,
    Signature signature,
    String doc,
    String error,
    boolean pure) {

  /** A function not marked pure. */
  public FunctionInfo(
      FunctionRef ref,
      boolean callable,
      String kind,
      Signature signature,
      String doc,
      String error) {
    this(ref, callable, kind, signature, doc, error, false);
  }

  /** Parameters as Python declares them, defaults and annotations as source text. */
  public record Signature(List<Parameter> parameters, String returns) {}

  /**
   * One parameter.
   *
   * @param kind Python's {@code inspect.Parameter} kind name, e.g. {@code POSITIONAL_OR_KEYWORD}
   * @param defaultValue the default's source text, or {@code null} when it has none
   * @param annotation the annotation's source text, or {@code null}
   */
  public record Parameter(
      String name,
      String kind,
      @com.fasterxml.jackson.annotation.JsonProperty("default") String defaultValue,
      String annotation) {}
}
