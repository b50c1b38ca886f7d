package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.CatalogEntry;
import io.globalfunc.core.naming.FunctionName;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gf describe NAME ["text"]}: sets the free-text description search also reads, or (without
 * text) shows the saved function: signature, docstring and the JSON Schema derived from its code.
 */
@Command(
    name = "describe",
    description =
        "Set a saved function's description (searchable), or show its signature, doc and schema.")
final class DescribeCommand extends GfCommand {

  @Parameters(index = "0", paramLabel = "NAME", description = "Package.function.")
  String name;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "TEXT",
      description = "The description (omit it to show the function).")
  String text;

  @Option(names = "--branch", description = "Branch (default: the current branch).")
  String branch;

  @Override
  public Integer call() {
    if (text != null && text.isBlank()) {
      throw usage("the description is empty");
    }
    FunctionName fn =
        functionName(name, catalogConfig().space(), branchOr(branch, "describe its functions"));
    try (Catalog catalog = connect()) {
      if (text == null) {
        show(catalog.require(fn));
        return 0;
      }
      catalog.describe(fn, text.strip());
      if (json) {
        printJson(Map.of("name", fn.fullName(), "description", text.strip()));
      } else {
        out().println("described " + fn.callName() + " on " + fn.branch());
      }
      return 0;
    }
  }

  private void show(CatalogEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name().callName());
    m.put("full_name", e.name().fullName());
    m.put("commit", e.commit());
    m.put("callable", e.callable());
    m.put("kind", e.kind());
    m.put("signature", e.signature());
    m.put("doc", e.doc());
    m.put("description", e.description());
    m.put("schema", e.schema());
    if (json) {
      printJson(m);
      return;
    }
    out().println(e.name().callName() + (e.signature() == null ? "" : e.signature().text()));
    out().println("  " + e.name().fullName() + " at " + Workspace.abbrev(e.commit()));
    if (e.description() != null) {
      out().println("  " + e.description());
    }
    if (e.doc() != null) {
      e.doc().lines().forEach(l -> out().println("  " + l));
    }
    if (e.schema() != null) {
      out().println("schema:");
      printJson(e.schema());
    }
  }
}
