package io.globalfunc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.naming.FunctionName;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keyword arguments of {@code gf call}: {@code k:=json} is always JSON; {@code k=v} is typed by
 * the function's annotation of {@code k} ({@code str} keeps the text, {@code int}, {@code float},
 * {@code bool} parse it), and without a simple annotation is JSON when it parses as one JSON value,
 * else text.
 */
final class Kwargs {

  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** One argument as typed: {@code key=text} or, when {@code json}, {@code key:=text}. */
  record Pair(String key, String text, boolean json) {}

  private Kwargs() {}

  /** Splits {@code key=value} / {@code key:=json}; a malformed or repeated key is refused. */
  static List<Pair> parse(List<String> args) {
    List<Pair> pairs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      boolean json = eq > 0 && arg.charAt(eq - 1) == ':';
      String key = eq < 0 ? arg : arg.substring(0, json ? eq - 1 : eq);
      if (eq <= 0 || !FunctionName.isIdentifier(key)) {
        throw new IllegalArgumentException(
            "malformed argument '"
                + arg
                + "': expected key=value or key:=json with key a Python name");
      }
      if (!seen.add(key)) {
        throw new IllegalArgumentException("argument '" + key + "' given twice");
      }
      pairs.add(new Pair(key, arg.substring(eq + 1), json));
    }
    return pairs;
  }

  /** Whether typing these pairs needs the function's annotations. */
  static boolean needAnnotations(List<Pair> pairs) {
    return pairs.stream().anyMatch(p -> !p.json());
  }

  /** The JSON object of the arguments, {@code annotations} by parameter name (may lack some). */
  static ObjectNode typed(List<Pair> pairs, Map<String, String> annotations) {
    ObjectNode kwargs = NODES.objectNode();
    for (Pair p : pairs) {
      kwargs.set(p.key(), p.json() ? json(p) : value(p, annotations.get(p.key())));
    }
    return kwargs;
  }

  private static JsonNode json(Pair p) {
    try {
      JsonNode node = STRICT.readTree(p.text());
      if (node != null && !node.isMissingNode()) {
        return node;
      }
    } catch (JsonProcessingException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "argument '" + p.key() + ":=" + p.text() + "' is not one JSON value");
  }

  private static JsonNode value(Pair p, String annotation) {
    String type = simpleType(annotation);
    return switch (type) {
      case "str" -> NODES.textNode(p.text());
      case "int" -> parseInt(p);
      case "float" -> parseFloat(p);
      case "bool" -> parseBool(p);
      default -> guess(p.text());
    };
  }

  /**
   * {@code str}, {@code int}, {@code float} or {@code bool} when the annotation is one of them
   * (also quoted, {@code Optional[...]} or {@code ... | None}), else empty.
   */
  static String simpleType(String annotation) {
    if (annotation == null) {
      return "";
    }
    String t = annotation.replace(" ", "").replace("typing.", "");
    if (t.length() > 1 && (t.charAt(0) == '"' || t.charAt(0) == '\'')) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.startsWith("Optional[") && t.endsWith("]")) {
      t = t.substring("Optional[".length(), t.length() - 1);
    }
    if (t.endsWith("|None")) {
      t = t.substring(0, t.length() - "|None".length());
    } else if (t.startsWith("None|")) {
      t = t.substring("None|".length());
    }
    return switch (t) {
      case "str", "int", "float", "bool" -> t;
      default -> "";
    };
  }

  /** JSON when the text is one complete JSON value, else the text as a string. */
  static JsonNode guess(String text) {
    try {
      JsonNode node = STRICT.readTree(text);
      if (node != null && !node.isMissingNode()) {
        return node;
      }
    } catch (JsonProcessingException notJson) {
      // plain text
    }
    return NODES.textNode(text);
  }

  private static JsonNode parseInt(Pair p) {
    try {
      return NODES.numberNode(new BigInteger(p.text().strip()));
    } catch (NumberFormatException e) {
      throw notA(p, "int");
    }
  }

  private static JsonNode parseFloat(Pair p) {
    try {
      return NODES.numberNode(new BigDecimal(p.text().strip()));
    } catch (NumberFormatException e) {
      throw notA(p, "float");
    }
  }

  private static JsonNode parseBool(Pair p) {
    return switch (p.text().strip()) {
      case "true", "True" -> NODES.booleanNode(true);
      case "false", "False" -> NODES.booleanNode(false);
      default -> throw notA(p, "bool (true or false)");
    };
  }

  private static IllegalArgumentException notA(Pair p, String type) {
    return new IllegalArgumentException(
        "argument '"
            + p.key()
            + "="
            + p.text()
            + "' does not parse as "
            + type
            + ", the function's annotation (give "
            + p.key()
            + ":=JSON to pass JSON as is)");
  }
}
