package io.globalfunc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gf daemon [status|stop]}: the gf daemons of this user that answer quick commands. */
@Command(
    name = "daemon",
    description = {
      "Show (status) or stop the gf daemons: warm JVMs that answer branch, list, search,",
      "describe and call --url fast. bin/gf starts one when needed; it exits after",
      "GF_DAEMON_IDLE seconds (default 600) without a command. GF_DAEMON=0 runs gf without."
    })
final class DaemonCommand extends GfCommand {

  @Parameters(
      arity = "0..1",
      defaultValue = "status",
      paramLabel = "status|stop",
      description = "status (default) or stop.")
  String action;

  @Override
  public Integer call() {
    if (!action.equals("status") && !action.equals("stop")) {
      throw usage("expected status or stop, not " + action);
    }
    Path dir = DaemonPaths.dir(gf.invocation.env());
    List<Path> sockets = DaemonPaths.sockets(dir);
    int answered = 0;
    for (Path socket : sockets) {
      try {
        byte type = action.equals("stop") ? DaemonFrames.STOP : DaemonFrames.STATUS;
        DaemonClient.Reply reply = DaemonClient.request(socket, type, "");
        out().print(action.equals("stop") ? "stopped " + socket + "\n" : reply.out());
        answered++;
      } catch (IOException e) {
        deleteStale(socket);
      }
    }
    if (answered == 0) {
      out().println("no gf daemon running (" + dir + ")");
    }
    return 0;
  }

  /** A socket nobody answers on is a killed daemon's: removed, its lock file tells. */
  private static void deleteStale(Path socket) {
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // left for the next daemon, which removes it before listening
    }
  }
}
