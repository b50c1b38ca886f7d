package io.globalfunc.core.introspect;

import com.fasterxml.jackson.databind.JsonNode;
import io.globalfunc.core.library.FunctionRef;
import java.util.List;

/**
 * What Python's {@code ast} says of a function file: whether it binds a top-level {@code name} (so
 * it is callable), its signature and its docstring, or why it could not be read.
 *
 * @param kind {@code function}, {@code async_function}, {@code class} or {@code binding}
 * @param schema {@code {"input": JSON Schema of the keyword arguments, "output": ... or null}},
 *     derived from the signature and docstring; {@code null} when not callable
 * @param error a syntax error, or {@code null}
 */
public record FunctionInfo(
    FunctionRef ref,
    boolean callable,
    String kind,
    Signature signature,
    String doc,
    JsonNode schema,
    String error) {

  /** What Python says of a file, without a derived schema. */
  public FunctionInfo(
      FunctionRef ref,
      boolean callable,
      String kind,
      Signature signature,
      String doc,
      String error) {
    this(ref, callable, kind, signature, doc, null, error);
  }

  /** The JSON Schema (draft 2020-12) of the keyword arguments, or {@code null}. */
  public JsonNode inputSchema() {
    return schema == null || schema.get("input") == null || schema.get("input").isNull()
        ? null
        : schema.get("input");
  }

  /** The JSON Schema of the result when the return is annotated, or {@code null}. */
  public JsonNode outputSchema() {
    return schema == null || schema.get("output") == null || schema.get("output").isNull()
        ? null
        : schema.get("output");
  }

  /** Parameters as Python declares them, defaults and annotations as source text. */
  public record Signature(List<Parameter> parameters, String returns) {

    /** {@code (a: int, b=1, *args, **kw) -> str}, as Python prints a signature. */
    public String text() {
      StringBuilder b = new StringBuilder("(");
      for (int i = 0; i < parameters.size(); i++) {
        Parameter p = parameters.get(i);
        b.append(i == 0 ? "" : ", ").append(p.stars()).append(p.name());
        if (p.annotation() != null) {
          b.append(": ").append(p.annotation());
        }
        if (p.defaultValue() != null) {
          b.append(p.annotation() != null ? " = " : "=").append(p.defaultValue());
        }
      }
      b.append(")");
      return returns == null ? b.toString() : b + " -> " + returns;
    }
  }

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
      String annotation) {

    /** {@code *} or {@code **} for variadic parameters. */
    String stars() {
      return switch (kind) {
        case "VAR_POSITIONAL" -> "*";
        case "VAR_KEYWORD" -> "**";
        default -> "";
      };
    }
  }
}
