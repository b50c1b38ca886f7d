package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.RepositoryClaim;
import io.globalfunc.core.catalog.SaveReport;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.naming.FunctionName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gf save NAME|--all}: stores functions as committed at the head of the current branch (the
 * seed's {@code _save_a_file_rom}, but from Git objects and in bulk).
 */
@Command(
    name = "save",
    description = "Save functions as committed at HEAD of the current branch into the catalog.")
final class SaveCommand extends GfCommand {

  @Parameters(arity = "0..*", paramLabel = "NAME", description = "Package.function to save.")
  List<String> names = new ArrayList<>();

  @Option(names = "--all", description = "Save every function of the branch; mark removed ones.")
  boolean all;

  @Override
  public Integer call() {
    if (all == !names.isEmpty()) {
      throw usage("give either NAME... or --all");
    }
    try (Workspace ws = workspace()) {
      Library library = ws.readCommitted("save from it");
      if (library.functionFiles().isEmpty()) {
        throw new GfException(
            "not a function library: no Package/function.py files committed in "
                + ws.root()
                + " at "
                + Workspace.abbrev(library.commit())
                + " (a library root below the repository's top needs a "
                + Workspace.MARKER
                + " file)");
      }
      String python = python();
      SaveReport report;
      List<String> notes = new ArrayList<>();
      try (Catalog catalog = connect()) {
        RepositoryClaim repository = ws.identity(library.commit());
        if (all) {
          Map<FunctionRef, FunctionInfo> infos = new PythonIntrospector(python).describe(library);
          notes.addAll(WorkingTreeNotes.of(ws));
          report =
              catalog.saveRelease(
                  repository, library, infos, json ? (d, t) -> {} : progressBar("saving"));
        } else {
          Set<FunctionRef> refs = new LinkedHashSet<>();
          for (String n : names) {
            FunctionName fn = functionName(n, catalog.space(), library.branch());
            if (!fn.space().equals(catalog.space()) || !fn.branch().equals(library.branch())) {
              throw new GfException(
                  n
                      + " names space "
                      + fn.space()
                      + " and branch "
                      + fn.branch()
                      + ", but gf saves the current branch "
                      + library.branch()
                      + " into space "
                      + catalog.space()
                      + " (GF_SPACE)");
            }
            refs.add(new FunctionRef(fn.pkg(), fn.function()));
          }
          List<LibraryFile> chosen = new ArrayList<>();
          for (FunctionRef ref : refs) {
            library.file(ref.path()).ifPresent(chosen::add);
            uncommitted(ws, ref.path()).ifPresent(notes::add);
          }
          Library subset =
              new Library(library.source(), library.branch(), library.commit(), chosen);
          Map<FunctionRef, FunctionInfo> infos = new PythonIntrospector(python).describe(subset);
          report = catalog.saveFunctions(repository, library, infos, refs);
        }
        report(report, catalog, notes);
      }
      return 0;
    }
  }

  private void report(SaveReport r, Catalog catalog, List<String> notes) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("space", r.space());
      m.put("branch", r.branch());
      m.put("commit", r.commit());
      m.put("saved", r.saved());
      m.put("changed", r.changed());
      m.put("removed", r.removed());
      m.put("not_callable", r.notCallable());
      m.put("files", r.files());
      m.put("warnings", r.warnings());
      m.put("notes", notes);
      m.put("catalog", catalog.config().describeLocation());
      m.put("elapsed_ms", r.elapsed().toMillis());
      printJson(m);
      return;
    }
    notes.forEach(n -> err().println("note: " + n));
    r.warnings().forEach(w -> err().println("warning: " + w));
    out()
        .printf(
            "saved %d function%s%s of %s at %s to %s in %s: %d changed, %d removed, %d not"
                + " callable (%d ms)%n",
            r.saved(),
            r.saved() == 1 ? "" : "s",
            r.files() == 0 ? "" : " and " + r.files() + " other file" + (r.files() == 1 ? "" : "s"),
            r.branch(),
            Workspace.abbrev(r.commit()),
            r.space(),
            catalog.config().describeLocation(),
            r.changed(),
            r.removed(),
            r.notCallable(),
            r.elapsed().toMillis());
  }

  /** A note when the working tree differs from what is saved (the committed version). */
  private static java.util.Optional<String> uncommitted(Workspace ws, String path) {
    List<String> notes = WorkingTreeNotes.of(ws, path);
    return notes.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(notes.get(0));
  }
}
