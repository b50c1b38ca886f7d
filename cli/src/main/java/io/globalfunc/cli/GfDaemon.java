package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gf daemon: a warm JVM that runs gf's quick commands for bin/gf's client ({@code
 * scripts/gf_client.py}) over a Unix socket, so they skip the JVM's start and the embedded
 * catalog's opening. One per user and gf.jar (bin/gf names the socket after the jar's identity),
 * owner-only, gone after {@code GF_DAEMON_IDLE} seconds without a command (default 600).
 */
public final class GfDaemon {

  /** Seconds without a command after which the daemon exits, unless GF_DAEMON_IDLE says. */
  static final long DEFAULT_IDLE_SECONDS = 600;

  final Path socket;
  final SharedCatalogs catalogs = new SharedCatalogs();
  final Instant started = Instant.now();
  final AtomicLong served = new AtomicLong();
  private final Duration idle;
  private final AtomicInteger running = new AtomicInteger();
  private volatile long lastUsed = System.nanoTime();
  private volatile boolean stopping;
  private UserPrincipal owner;
  private ServerSocketChannel server;

  private GfDaemon(Path socket, Duration idle) {
    this.socket = socket;
    this.idle = idle;
  }

  /** {@code args[0]}: the socket to listen on. */
  public static void main(String[] args) {
    Gf.quietLogging();
    try {
      Path socket = Path.of(args[0]).toAbsolutePath();
      new GfDaemon(socket, idleTimeout(System.getenv("GF_DAEMON_IDLE"))).serve();
    } catch (IOException | RuntimeException e) {
      System.err.println(Instant.now() + " gf daemon: " + e);
      System.exit(1);
    }
    System.exit(0);
  }

  static Duration idleTimeout(String text) {
    if (text == null || text.isBlank()) {
      return Duration.ofSeconds(DEFAULT_IDLE_SECONDS);
    }
    try {
      return Duration.ofSeconds(Math.max(1, Long.parseLong(text.strip())));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("GF_DAEMON_IDLE is not a number of seconds: " + text);
    }
  }

  /** Listens until idle or stopped; returns at once when another daemon owns the socket. */
  private void serve() throws IOException {
    Path dir = socket.getParent();
    DaemonPaths.ensurePrivate(dir);
    owner = Files.getOwner(dir);
    try (FileChannel lockFile =
            FileChannel.open(
                DaemonPaths.lock(socket), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock()) {
      if (lock == null) {
        return; // another gf started the daemon for this jar first
      }
      Files.deleteIfExists(socket); // a killed daemon's
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      // Another daemon (another gf.jar) may hold an embedded catalog this one needs.
      Catalog.whenEmbeddedLocked(file -> DaemonClient.askToLetGo(dir, socket, file));
      System.err.println(Instant.now() + " gf daemon: listening on " + socket + " idle " + idle);
      start("gf-daemon-idle", this::watchIdle);
      start("gf-daemon-warm-up", this::warmUp);
      acceptUntilStopped();
      finish();
    }
  }

  private void acceptUntilStopped() throws IOException {
    while (!stopping) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (ClosedChannelException e) {
        break; // stop() closed it
      }
      start("gf-daemon-session", () -> new DaemonSession(this, client).run());
    }
  }

  /** The connection comes from this daemon's user (the folder is theirs alone too). */
  boolean fromOwner(SocketChannel client) {
    try {
      UserPrincipal peer = client.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user();
      return peer.equals(owner) || peer.getName().equals(owner.getName());
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Marks a command started; false once the daemon is stopping (the caller then runs fresh). */
  boolean begin() {
    running.incrementAndGet();
    if (stopping) {
      running.decrementAndGet();
      return false;
    }
    return true;
  }

  void end() {
    served.incrementAndGet();
    lastUsed = System.nanoTime();
    running.decrementAndGet();
  }

  int running() {
    return running.get();
  }

  Duration idle() {
    return idle;
  }

  /** Stops listening; commands running finish first. */
  synchronized void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    try {
      Files.deleteIfExists(socket); // new callers start a fresh gf (and a new daemon) at once
      server.close();
    } catch (IOException e) {
      System.err.println(Instant.now() + " gf daemon: closing: " + e);
    }
  }

  private void finish() throws IOException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (running.get() > 0 && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(50));
    }
    catalogs.closeAll();
    System.err.println(Instant.now() + " gf daemon: stopped after " + served + " commands");
  }

  private void watchIdle() {
    while (!stopping) {
      sleep(Duration.ofMillis(Math.min(1000, idle.toMillis() / 2 + 1)));
      if (running.get() == 0 && System.nanoTime() - lastUsed > idle.toNanos()) {
        System.err.println(Instant.now() + " gf daemon: idle for " + idle + ", exiting");
        stop();
      }
    }
  }

  /**
   * Loads and compiles what the quick commands use while nobody waits: their help, and the catalog
   * this daemon's own environment names (a caller with another GF_HOME opens theirs).
   */
  private void warmUp() {
    Invocation quiet =
        new Invocation(
            Path.of("").toAbsolutePath(),
            System.getenv(),
            new PrintWriter(Writer.nullWriter()),
            new PrintWriter(Writer.nullWriter()),
            catalogs,
            new Cancel());
    for (String command : new String[] {"branch", "list", "search", "describe", "call"}) {
      Gf.run(quiet, command, "--help");
    }
    try (Catalog c = catalogs.open(quiet.catalogConfig())) {
      c.list("gf-daemon-warm-up", null);
    } catch (RuntimeException e) {
      // the first command that needs it says what is wrong
    }
  }

  private static void start(String name, Runnable work) {
    Thread t = new Thread(work, name);
    t.setDaemon(true);
    t.start();
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
