package io.globalfunc.core.library;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The modules of its own package a function file imports ({@code from ._util import x}, {@code from
 * . import common}, {@code from Text.lower import lower}, {@code import Text.common}), read from
 * its source line by line, never by running it: what {@code gf gen} must bring along for the file
 * to import. Pure. An import spelled at run time ({@code importlib}) is not seen.
 */
public final class PackageImports {

  private static final Pattern FROM =
      Pattern.compile("^\\s*from\\s+(\\.*)([\\w.]*)\\s+import\\s+(.+)$");
  private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(.+)$");

  private PackageImports() {}

  /** Module names of {@code pkg} that {@code source} imports, in the order first seen. */
  public static Set<String> of(String source, String pkg) {
    Set<String> out = new LinkedHashSet<>();
    for (String line : source.split("\n")) {
      String code = withoutComment(line);
      Matcher from = FROM.matcher(code);
      if (from.matches()) {
        fromImport(from.group(1), from.group(2), from.group(3), pkg, out);
        continue;
      }
      Matcher plain = IMPORT.matcher(code);
      if (plain.matches()) {
        for (String part : plain.group(1).split(",")) {
          String dotted = part.trim().split("\\s+")[0];
          if (dotted.startsWith(pkg + ".")) {
            addModule(dotted.substring(pkg.length() + 1), out);
          }
        }
      }
    }
    return out;
  }

  /**
   * {@code from <dots><module> import <names>}: a module of the package ({@code from ._util},
   * {@code from Text.lower}), or names that may be modules ({@code from . import x}, {@code from
   * Text import x}).
   */
  private static void fromImport(
      String dots, String module, String names, String pkg, Set<String> out) {
    String inPackage;
    if (dots.equals(".")) {
      inPackage = module;
    } else if (dots.isEmpty() && (module.equals(pkg) || module.startsWith(pkg + "."))) {
      inPackage = module.substring(pkg.length()).replaceFirst("^\\.", "");
    } else {
      return; // another package, or a parent's relative import
    }
    if (!inPackage.isEmpty()) {
      addModule(inPackage, out);
      return;
    }
    for (String part : names.replace("(", "").replace(")", "").split(",")) {
      String name = part.trim().split("\\s+")[0];
      if (!name.isEmpty() && !name.equals("*")) {
        out.add(name);
      }
    }
  }

  private static void addModule(String dotted, Set<String> out) {
    String first = dotted.split("\\.")[0];
    if (!first.isEmpty()) {
      out.add(first);
    }
  }

  private static String withoutComment(String line) {
    int hash = line.indexOf('#');
    return (hash < 0 ? line : line.substring(0, hash)).stripTrailing();
  }
}
