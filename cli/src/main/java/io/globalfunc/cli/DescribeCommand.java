package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.naming.FunctionName;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gf describe NAME "text"}: sets the free-text description search also reads. */
@Command(name = "describe", description = "Set a saved function's description (searchable).")
final class DescribeCommand extends GfCommand {

  @Parameters(index = "0", paramLabel = "NAME", description = "Package.function.")
  String name;

  @Parameters(index = "1", paramLabel = "TEXT", description = "The description.")
  String text;

  @Option(names = "--branch", description = "Branch (default: the current branch).")
  String branch;

  @Override
  public Integer call() {
    if (text.isBlank()) {
      throw usage("the description is empty");
    }
    FunctionName fn =
        functionName(name, catalogConfig().space(), branchOr(branch, "describe its functions"));
    try (Catalog catalog = connect()) {
      catalog.describe(fn, text.strip());
      if (json) {
        printJson(Map.of("name", fn.fullName(), "description", text.strip()));
      } else {
        out().println("described " + fn.callName() + " on " + fn.branch());
      }
      return 0;
    }
  }
}
