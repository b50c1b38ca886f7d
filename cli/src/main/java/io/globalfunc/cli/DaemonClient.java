package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.CatalogConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** gf's own requests to gf daemons: status, stop, and "let go of this catalog file". */
final class DaemonClient {

  private DaemonClient() {}

  /** A daemon's answer: its exit code and what it printed. */
  record Reply(int exit, String out) {}

  /**
   * Opens a catalog in a fresh gf: if an idle daemon holds the embedded catalog's file, it is asked
   * to let go instead of this gf waiting for it.
   */
  static Catalog connect(CatalogConfig config) {
    Catalog.whenEmbeddedLocked(file -> askToLetGo(DaemonPaths.dir(System.getenv()), null, file));
    return Catalog.connect(config);
  }

  /**
   * Asks every daemon in {@code dir} but {@code self} to close the embedded catalog in {@code
   * file}.
   */
  static void askToLetGo(Path dir, Path self, Path file) {
    for (Path socket : DaemonPaths.sockets(dir)) {
      if (socket.equals(self)) {
        continue;
      }
      try {
        request(socket, DaemonFrames.LET_GO, file.toAbsolutePath().toString());
      } catch (IOException e) {
        // a stale socket: no daemon holds anything there
      }
    }
  }

  /** Sends one request frame and reads the answer up to its exit code. */
  static Reply request(Path socket, byte type, String payload) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      DaemonFrames.write(Channels.newOutputStream(ch), type, payload);
      DataInputStream in = DaemonFrames.input(Channels.newInputStream(ch));
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      for (DaemonFrames.Frame f = DaemonFrames.read(in); f != null; f = DaemonFrames.read(in)) {
        if (f.type() == DaemonFrames.OUT) {
          text.write(f.payload());
        } else if (f.type() == DaemonFrames.EXIT) {
          return new Reply(f.exitCode(), text.toString(StandardCharsets.UTF_8));
        }
      }
      throw new IOException("the daemon at " + socket + " ended without answering");
    }
  }
}
