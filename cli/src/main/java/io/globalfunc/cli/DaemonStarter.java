package io.globalfunc.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a gf daemon in the background after a fresh gf ran a command a daemon serves, when bin/gf
 * found none at the socket it names ({@code GF_DAEMON_SOCKET}): the next such command is quick.
 */
final class DaemonStarter {

  private DaemonStarter() {}

  /** Starts the daemon for the next command when bin/gf asked for one; never fails the command. */
  static void startForNext(String... args) {
    String socket = System.getenv(DaemonPaths.SOCKET_ENV);
    if (socket == null || socket.isBlank() || "0".equals(System.getenv("GF_DAEMON"))) {
      return;
    }
    if (!Gf.servedByDaemon(args)) {
      return;
    }
    try {
      Path sock = Path.of(socket).toAbsolutePath();
      DaemonPaths.ensurePrivate(sock.getParent());
      new ProcessBuilder(command(sock))
          .directory(sock.getParent().toFile())
          .redirectInput(new File("/dev/null"))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(DaemonPaths.log(sock).toFile()))
          .redirectErrorStream(true)
          .start();
    } catch (IOException | RuntimeException e) {
      // only the next command's speed is at stake
    }
  }

  /**
   * This JVM's java and options (bin/gf's: the class-data archive, the collector), in a new session
   * ({@code setsid}: a Ctrl-C at the terminal is not for the daemon), running {@link GfDaemon}. The
   * C1-only flag of short commands is kept: measured on 2 cores, C2's compiles competed with the
   * commands and lost more than they gained (gf list 65 ms with C2, 48 ms without; a million-item
   * {@code map --redis} 2.25 / 2.07 / 1.85 s against 1.94 / 1.58 / 1.45 s, bench/README.md).
   */
  static List<String> command(Path socket) {
    ProcessHandle.Info self = ProcessHandle.current().info();
    List<String> cmd = new ArrayList<>();
    for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(setsid))) {
        cmd.add(setsid);
        break;
      }
    }
    cmd.add(
        self.command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String a : self.arguments().orElse(new String[0])) {
      if (a.equals("-jar") || a.equals("-cp") || a.equals("-classpath")) {
        break;
      }
      if (a.startsWith("-")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(jar());
    cmd.add(GfDaemon.class.getName());
    cmd.add(socket.toString());
    return cmd;
  }

  private static String jar() {
    try {
      return Path.of(Gf.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
