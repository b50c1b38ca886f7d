package io.globalfunc.core.catalog;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

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
    H2Backend backend;
    try {
      backend = new H2Backend(file.toString());
    } catch (RuntimeException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("locked")) {
        throw new CatalogException(
            CatalogException.Reason.EMBEDDED_LOCKED,
            "the embedded catalog " + file + " is in use by another gf process; retry when it ends",
            e);
      }
      throw new CatalogException(
          CatalogException.Reason.IO, "cannot open the embedded catalog " + file + ": " + msg, e);
    }
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

  String uri() {
    return uri;
  }

  @Override
  public void close() {
    server.shutdownNow();
    backend.close(); // flushes the MVStore file
  }
}
