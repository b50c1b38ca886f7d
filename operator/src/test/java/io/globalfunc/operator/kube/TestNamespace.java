package io.globalfunc.operator.kube;

import java.util.Locale;

/** The namespace one test owns on the real API server. */
public record TestNamespace(String name) {

  /** A DNS-label prefix made from a test method name: lower case, at most 30 characters. */
  static String dnsLabel(String hint) {
    String label =
        hint.replaceAll("([a-z0-9])([A-Z])", "$1-$2")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]", "-");
    label = label.length() > 30 ? label.substring(0, 30) : label;
    return label.replaceAll("-+$", "");
  }
}
