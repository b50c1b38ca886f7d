package io.globalfunc.cli;

import io.globalfunc.core.catalog.InitPy;
import io.globalfunc.core.naming.FunctionName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code gf init PACKAGE}: regenerates a package's {@code __init__.py} (seed: generate_init_py).
 */
@Command(
    name = "init",
    description = "Write PACKAGE/__init__.py importing every function file of the package.")
final class InitCommand extends GfCommand {

  @Parameters(paramLabel = "PACKAGE", description = "A package folder of the library.")
  String pkg;

  @Override
  public Integer call() throws IOException {
    if (!FunctionName.isIdentifier(pkg) || pkg.startsWith("_")) {
      throw new GfException(
          "not a package name: " + pkg + " (a folder named like a Python identifier)");
    }
    try (Workspace ws = workspace()) {
      Path dir = ws.root().resolve(pkg);
      if (!Files.isDirectory(dir)) {
        throw new GfException("no package folder " + pkg + " in the library " + ws.root());
      }
      Path init = InitPy.write(dir);
      long imports = Files.readAllLines(init).stream().filter(l -> !l.isBlank()).count();
      if (json) {
        printJson(Map.of("file", init.toString(), "imports", imports));
      } else {
        out().println("wrote " + ws.root().relativize(init) + " (" + imports + " imports)");
      }
      return 0;
    }
  }
}
