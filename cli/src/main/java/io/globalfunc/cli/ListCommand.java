package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.CatalogEntry;
import io.globalfunc.core.catalog.CatalogFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gf list [PACKAGE]}: what the catalog holds for the current branch. */
@Command(name = "list", description = "List the saved functions of the branch (or of one package).")
final class ListCommand extends GfCommand {

  @Parameters(arity = "0..1", paramLabel = "PACKAGE", description = "Only this package.")
  String pkg;

  @Option(names = "--branch", description = "Branch to list (default: the current branch).")
  String branch;

  @Override
  public Integer call() {
    String b = branchOr(branch, "list its functions");
    try (Catalog catalog = connect()) {
      List<CatalogEntry> entries = catalog.list(b, pkg);
      List<CatalogFile> files = catalog.listFiles(b, pkg);
      if (json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CatalogEntry e : entries) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", e.name().callName());
          m.put("full_name", e.name().fullName());
          m.put("commit", e.commit());
          m.put("hash", e.meta().hash());
          m.put("callable", e.callable());
          m.put("removed", e.removed());
          m.put("removed_in", e.removedIn());
          m.put("summary", e.summary());
          m.put("schema", e.schema());
          rows.add(m);
        }
        for (CatalogFile f : files) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", f.name().key());
          m.put("full_name", f.name().fullName());
          m.put("file", true);
          m.put("path", f.path());
          m.put("commit", f.commit());
          m.put("hash", f.meta().hash());
          m.put("callable", false);
          m.put("removed", f.removed());
          m.put("removed_in", f.removedIn());
          m.put("summary", "");
          rows.add(m);
        }
        printJson(rows);
        return 0;
      }
      if (entries.isEmpty() && files.isEmpty()) {
        out()
            .println(
                "nothing saved"
                    + (pkg == null ? "" : " in package " + pkg)
                    + " for branch "
                    + b
                    + " in space "
                    + catalog.space()
                    + " (gf save --all saves it)");
        return 0;
      }
      List<String> names = new ArrayList<>();
      entries.forEach(e -> names.add(e.name().callName()));
      files.forEach(f -> names.add(f.name().key()));
      int width = Columns.widest(names);
      for (CatalogEntry e : entries) {
        String status =
            e.removed()
                ? "removed in " + Workspace.abbrev(e.removedIn())
                : e.callable() ? Workspace.abbrev(e.commit()) : "not callable";
        out()
            .printf(
                "%s  %-16s  %s%n", Columns.pad(e.name().callName(), width), status, e.summary());
      }
      for (CatalogFile f : files) {
        String status =
            f.removed() ? "removed in " + Workspace.abbrev(f.removedIn()) : "not callable";
        out().printf("%s  %-16s  file %s%n", Columns.pad(f.name().key(), width), status, f.path());
      }
      return 0;
    }
  }
}
