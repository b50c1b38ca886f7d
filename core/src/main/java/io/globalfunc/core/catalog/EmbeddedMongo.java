package io.globalfunc.core.catalog;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The embedded catalog: an in-process MongoDB wire-protocol server (mongo-java-server) on a
 * loopback port, stored in one H2 file, so the catalog code talks to it through the real MongoDB
 * driver exactly as it talks to MongoDB.
 */
final class EmbeddedMongo implements AutoCloseable {

  private final H2Backend backend;
  private final MongoServer server;
  private final String uri;

  private EmbeddedMongo(H2Backend backend, MongoServer server, String uri) {
    this.backend = backend;
    this.server = server;
    this.uri = uri;
  }

  /** Opens (or creates) the catalog file and starts serving it on a free loopback port. */
  static EmbeddedMongo start(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new CatalogException(
          CatalogException.Reason.IO, "cannot create " + file.getParent() + ": " + e, e);
    }
    H2Backend backend = open(file);
    MongoServer server = new MongoServer(backend);
    InetSocketAddress address;
    try {
      server.bind("127.0.0.1", 0);
      address = server.getLocalAddress();
    } catch (RuntimeException e) {
      backend.close();
      throw new CatalogException(
          CatalogException.Reason.IO, "cannot start the embedded catalog: " + e.getMessage(), e);
    }
    return new EmbeddedMongo(
        backend, server, "mongodb://127.0.0.1:" + address.getPort() + "/?directConnection=true");
  }

  /** Asked to free the file while it is locked (see {@link Catalog#whenEmbeddedLocked}). */
  private static volatile Consumer<Path> askHolder;

  static void whenLocked(Consumer<Path> hook) {
    askHolder = hook;
  }

  /** How long a gf waits for another gf to release the catalog file before giving up. */
  static final Duration LOCK_WAIT = Duration.ofSeconds(30);

  /**
   * Opens the H2 file, waiting up to {@link #LOCK_WAIT} while another process holds it: gf commands
   * are short, so two started at once take turns instead of one failing.
   */
  private static H2Backend open(Path file) {
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    long nextAsk = System.nanoTime();
    while (true) {
      try {
        return new H2Backend(file.toString());
      } catch (RuntimeException e) {
        String msg = String.valueOf(e.getMessage());
        if (!msg.contains("locked")) {
          throw new CatalogException(
              CatalogException.Reason.IO,
              "cannot open the embedded catalog " + file + ": " + msg,
              e);
        }
        if (System.nanoTime() > deadline) {
          throw new CatalogException(
              CatalogException.Reason.EMBEDDED_LOCKED,
              "the embedded catalog "
                  + file
                  + " is still in use by another gf process after "
                  + LOCK_WAIT.toSeconds()
                  + " s; retry when it ends",
              e);
        }
        Consumer<Path> hook = askHolder;
        if (hook != null && System.nanoTime() - nextAsk >= 0) {
          // At most once a second: a holder that is busy is asked again when it may be done.
          nextAsk = System.nanoTime() + Duration.ofSeconds(1).toNanos();
          hook.accept(file);
        }
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CatalogException(CatalogException.Reason.IO, "interrupted", e);
    }
  }

  String uri() {
    return uri;
  }

  @Override
  public void close() {
    server.shutdownNow();
    backend.close(); // flushes the MVStore file
  }
}
