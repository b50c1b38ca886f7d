package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.naming.FunctionName;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
      description = "Package.function, or space.Package_branch.function.")
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
    FunctionName fn =
        name.chars().filter(c -> c == '.').count() == 2 && !name.endsWith(".py")
            ? functionName(name, space, "unused")
            : functionName(name, space, branchOr(branch, "regenerate from it"));
    String sha = commit == null ? null : fullCommit(commit);
    Path target = gf.cwd().resolve(to).normalize();
    try (Catalog catalog = Catalog.connect(catalogConfig().withSpace(fn.space()))) {
      Catalog.GenReport r = catalog.gen(fn, sha, target);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name().fullName());
        m.put("commit", r.commit());
        m.put("file", r.file().toString());
        m.put("init_py", r.initPy().toString());
        m.put("md5", r.md5());
        m.put("verified", true);
        printJson(m);
      } else {
        out()
            .println(
                "wrote "
                    + r.file()
                    + " (md5 "
                    + r.md5()
                    + " verified, commit "
                    + Workspace.abbrev(r.commit())
                    + ") and "
                    + r.initPy());
      }
      return 0;
    }
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
