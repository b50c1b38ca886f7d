package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.CatalogException;
import io.globalfunc.core.catalog.CatalogFile;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.PackageImports;
import io.globalfunc.core.library.ScanRules;
import io.globalfunc.core.naming.FunctionName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gf gen NAME --to DIR}: writes a function from the catalog into {@code DIR/Package/},
 * byte-identical to the committed file (md5 verified), plus the package's {@code __init__.py}.
 */
@Command(
    name = "gen",
    description = "Regenerate a function file from the catalog into another folder (md5-checked).")
final class GenCommand extends GfCommand {

  @Parameters(
      paramLabel = "NAME",
      description =
          "Package.function, space.Package_branch.function, or the scan key of another"
              + " catalogued file (remark.md, Base.notes.md).")
  String name;

  @Option(names = "--to", required = true, paramLabel = "DIR", description = "Target folder.")
  Path to;

  @Option(names = "--commit", paramLabel = "SHA", description = "The version saved at this commit.")
  String commit;

  @Option(names = "--branch", description = "Branch (default: the current branch).")
  String branch;

  @Override
  public Integer call() {
    String space = catalogConfig().space();
    boolean fullName = name.chars().filter(c -> c == '.').count() == 2 && !name.endsWith(".py");
    FunctionName fn;
    String notAFunction = null;
    try {
      fn =
          fullName
              ? functionName(name, space, "unused")
              : functionName(name, space, branchOr(branch, "regenerate from it"));
    } catch (GfException e) {
      fn = null; // not a function name: a file's scan key such as Base.notes.md
      notAFunction = e.getMessage();
    }
    String sha = commit == null ? null : fullCommit(commit);
    Path target = gf.cwd().resolve(to).normalize();
    if (fn == null) {
      String b = branchOr(branch, "regenerate from it");
      try (Catalog catalog = connect()) {
        return reportFile(catalog.genFile(b, name, sha, target));
      } catch (CatalogException e) {
        if (e.reason() == CatalogException.Reason.NOT_FOUND && sha == null) {
          throw new GfException(notAFunction + ", nor a catalogued file (" + e.getMessage() + ")");
        }
        throw e;
      }
    }
    try (Catalog catalog = connect(catalogConfig().withSpace(fn.space()))) {
      Catalog.GenReport r;
      try {
        r = catalog.gen(fn, sha, target);
      } catch (CatalogException e) {
        // Package.name may also be the scan key of a file that is not a function (Base.notes).
        if (e.reason() != CatalogException.Reason.NOT_FOUND || fullName) {
          throw e;
        }
        Catalog.FileGenReport f;
        try {
          f = catalog.genFile(fn.branch(), name, sha, target);
        } catch (CatalogException notAFile) {
          throw e;
        }
        return reportFile(f);
      }
      List<CatalogFile> packageFiles = catalog.listFiles(fn.branch(), fn.pkg());
      List<String> helpers = helpers(catalog, fn, packageFiles, r.commit(), target);
      helpers.addAll(imports(catalog, fn, packageFiles, r, target, helpers));
      report(
          r.name().fullName(),
          null,
          r.commit(),
          r.file().toString(),
          r.md5(),
          r.initPy().toString());
      if (!json) {
        helpers.forEach(
            h -> out().println("wrote " + h + " (imported from its package, same commit)"));
      }
      return 0;
    }
  }

  /**
   * Writes the package's helper modules ({@code Text/_util.py}) as saved at the function's commit,
   * so the regenerated function can import them; returns the files written.
   */
  private List<String> helpers(
      Catalog catalog,
      FunctionName fn,
      List<CatalogFile> packageFiles,
      String commit,
      Path target) {
    List<String> written = new ArrayList<>();
    for (CatalogFile f : packageFiles) {
      if (!ScanRules.isPackageHelper(f.path())) {
        continue;
      }
      try {
        written.add(catalog.genFile(fn.branch(), f.name().key(), commit, target).file().toString());
      } catch (CatalogException e) {
        if (e.reason() != CatalogException.Reason.NOT_FOUND) {
          throw e;
        }
        noteNotSaved(f, commit);
      }
    }
    return written;
  }

  /**
   * Writes what the function imports from its own package ({@link PackageImports}: a helper module
   * of any name, or a sibling function's file) as saved at its commit, and in turn what those
   * import; {@code written} (the helpers already written) are read too. Returns the files written.
   */
  private List<String> imports(
      Catalog catalog,
      FunctionName fn,
      List<CatalogFile> packageFiles,
      Catalog.GenReport r,
      Path target,
      List<String> written) {
    Map<String, CatalogFile> files = new LinkedHashMap<>();
    for (CatalogFile f : packageFiles) {
      String file = f.path().substring(f.path().indexOf('/') + 1);
      if (f.path().startsWith(fn.pkg() + "/") && file.endsWith(".py") && !file.contains("/")) {
        files.put(file.substring(0, file.length() - 3), f);
      }
    }
    Deque<Path> toRead = new ArrayDeque<>(List.of(r.file()));
    written.forEach(w -> toRead.add(Path.of(w)));
    Set<String> seen = new HashSet<>(Set.of(fn.function()));
    written.forEach(w -> seen.add(Path.of(w).getFileName().toString().replaceFirst("\\.py$", "")));
    List<String> more = new ArrayList<>();
    while (!toRead.isEmpty()) {
      for (String module : PackageImports.of(read(toRead.pop()), fn.pkg())) {
        if (!seen.add(module)) {
          continue;
        }
        Path p = genModule(catalog, fn, module, files.get(module), r.commit(), target);
        if (p != null) {
          more.add(p.toString());
          toRead.add(p);
        }
      }
    }
    return more;
  }

  /** One imported module at the commit: a catalogued file, else a function's; null if neither. */
  private Path genModule(
      Catalog catalog, FunctionName fn, String module, CatalogFile f, String commit, Path target) {
    try {
      if (f != null) {
        return catalog.genFile(fn.branch(), f.name().key(), commit, target).file();
      }
      if (FunctionRef.parseOrNull(fn.pkg() + "." + module) == null) {
        return null; // no name a function could have
      }
      FunctionName sibling = FunctionName.of(fn.space(), fn.pkg(), fn.branch(), module);
      return catalog.gen(sibling, commit, target).file();
    } catch (CatalogException e) {
      if (e.reason() != CatalogException.Reason.NOT_FOUND) {
        throw e;
      }
      if (f != null) { // a name imported from the package that is no module is no news
        noteNotSaved(f, commit);
      }
      return null;
    }
  }

  private void noteNotSaved(CatalogFile f, String commit) {
    err()
        .println(
            "note: "
                + f.path()
                + " has no saved version at commit "
                + Workspace.abbrev(commit)
                + "; not written");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int reportFile(Catalog.FileGenReport r) {
    return report(
        r.name().key(), r.name().fullName(), r.commit(), r.file().toString(), r.md5(), null);
  }

  /** Prints what gen wrote; {@code fullName} and {@code initPy} only when there is one. */
  private int report(
      String name, String fullName, String commit, String file, String md5, String initPy) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      if (fullName != null) {
        m.put("full_name", fullName);
      }
      m.put("commit", commit);
      m.put("file", file);
      if (initPy != null) {
        m.put("init_py", initPy);
      }
      m.put("md5", md5);
      m.put("verified", true);
      printJson(m);
    } else {
      out()
          .println(
              "wrote "
                  + file
                  + " (md5 "
                  + md5
                  + " verified, commit "
                  + Workspace.abbrev(commit)
                  + ")"
                  + (initPy == null ? "" : " and " + initPy));
    }
    return 0;
  }

  /** Expands an abbreviated commit through the repository when there is one. */
  private String fullCommit(String given) {
    if (!given.matches("[0-9a-fA-F]{4,40}")) {
      throw new GfException("not a commit id: " + given);
    }
    try (Workspace ws = workspace()) {
      ObjectId id = ws.repo().resolve(given + "^{commit}");
      return id == null ? given : id.name();
    } catch (IOException | RuntimeException e) {
      return given; // outside a repository: the catalog resolves the prefix
    }
  }
}
