package io.globalfunc.core.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A package's {@code __init__.py} as the seed's {@code generate_init_py} writes it: one {@code from
 * .name import name} per {@code .py} file not starting with {@code _} or {@code .} (sorted, where
 * the seed followed directory order, so the output is reproducible). Unlike the seed, a module that
 * defines no top-level {@code name} (a helper such as {@code common.py}) is left out: importing its
 * name would fail, and the whole package with it.
 */
public final class InitPy {

  private InitPy() {}

  /** The file's text for the {@code .py} files now in {@code packageDir}. */
  public static String render(Path packageDir) {
    try (Stream<Path> files = Files.list(packageDir)) {
      List<String> modules =
          files
              .filter(Files::isRegularFile)
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".py") && !n.startsWith("_") && !n.startsWith("."))
              .map(n -> n.substring(0, n.length() - 3))
              .filter(m -> defines(read(packageDir.resolve(m + ".py")), m))
              .sorted()
              .toList();
      StringBuilder out = new StringBuilder();
      for (String m : modules) {
        out.append("from .").append(m).append(" import ").append(m).append('\n');
      }
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + packageDir, e);
    }
  }

  /**
   * Whether {@code source} binds {@code name} at its top level (a def, class, assignment or
   * import), read as text: what {@code from .name import name} needs.
   */
  static boolean defines(String source, String name) {
    String n = Pattern.quote(name);
    return Pattern.compile(
            "^(?:(?:async\\s+)?def\\s+"
                + n
                + "\\s*[(\\[]|class\\s+"
                + n
                + "\\b|"
                + n
                + "\\s*(?::[^=\\n]*)?=(?!=)|(?:from\\s+\\S+\\s+)?import\\s.*\\b"
                + n
                + "\\b)",
            Pattern.MULTILINE)
        .matcher(source)
        .find();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return ""; // unreadable as UTF-8: not a module a package can import by name anyway
    }
  }

  /** Writes {@code packageDir/__init__.py} and returns its path. */
  public static Path write(Path packageDir) {
    if (!Files.isDirectory(packageDir)) {
      throw new CatalogException(
          CatalogException.Reason.NOT_FOUND, "package folder " + packageDir + " not found");
    }
    Path init = packageDir.resolve("__init__.py");
    try {
      Files.writeString(init, render(packageDir), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + init, e);
    }
    return init;
  }
}
