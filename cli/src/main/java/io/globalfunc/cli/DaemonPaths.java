package io.globalfunc.cli;

import io.globalfunc.core.catalog.CatalogConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where gf daemons listen: one socket per gf.jar identity ({@code gf-<identity>.sock}, chosen by
 * bin/gf) in a folder only its user may enter. The folder is bin/gf's rule too: {@code
 * GF_DAEMON_DIR}, else {@code $XDG_RUNTIME_DIR/globalfunc}, else {@code
 * ~/.cache/globalfunc/daemon}; bin/gf passes the socket it chose as {@code GF_DAEMON_SOCKET}.
 */
final class DaemonPaths {

  static final String SOCKET_ENV = "GF_DAEMON_SOCKET";

  private DaemonPaths() {}

  /** The daemons' folder for a caller's environment. */
  static Path dir(Map<String, String> env) {
    String socket = env.get(SOCKET_ENV);
    if (socket != null && !socket.isBlank()) {
      return Path.of(socket).toAbsolutePath().getParent();
    }
    String own = env.get("GF_DAEMON_DIR");
    if (own != null && !own.isBlank()) {
      return Path.of(own).toAbsolutePath();
    }
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isBlank()) {
      return Path.of(runtime, "globalfunc");
    }
    return CatalogConfig.userHome(env).resolve(Path.of(".cache", "globalfunc", "daemon"));
  }

  /** The sockets in the folder (daemons alive or stale), none when it does not exist. */
  static List<Path> sockets(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("gf-.*\\.sock"))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The daemon's log beside its socket. */
  static Path log(Path socket) {
    String name = socket.getFileName().toString();
    return socket.resolveSibling(name.substring(0, name.length() - ".sock".length()) + ".log");
  }

  /** The lock file its daemon holds while alive. */
  static Path lock(Path socket) {
    String name = socket.getFileName().toString();
    return socket.resolveSibling(name.substring(0, name.length() - ".sock".length()) + ".lock");
  }

  /** Creates the folder owner-only, or checks that an existing one is. */
  static void ensurePrivate(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
    if (!perms.equals("rwx------")) {
      throw new IOException(dir + " must be rwx------ (is " + perms + "): chmod 700 it");
    }
    if (!Files.getOwner(dir).getName().equals(System.getProperty("user.name"))) {
      throw new IOException(dir + " belongs to " + Files.getOwner(dir).getName());
    }
  }
}
