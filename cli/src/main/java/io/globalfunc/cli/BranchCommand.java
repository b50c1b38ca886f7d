package io.globalfunc.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code gf branch}: the checked-out branch (the seed's {@code get_current_branch}). */
@Command(name = "branch", description = "Print the current branch of the library's repository.")
final class BranchCommand extends GfCommand {

  @Override
  public Integer call() {
    try (Workspace ws = workspace()) {
      String branch = ws.branch().orElse(null);
      String head = ws.headOrNull();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("branch", branch);
        m.put("commit", head);
        m.put("detached", branch == null);
        m.put("library", ws.root().toString());
        printJson(m);
      } else if (branch != null) {
        out().println(branch);
      } else {
        out().println("(HEAD detached at " + Workspace.abbrev(head) + ")");
      }
      return 0;
    }
  }
}
