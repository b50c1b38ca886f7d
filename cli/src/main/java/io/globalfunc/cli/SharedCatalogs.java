package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.CatalogConfig;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gf daemon's open catalogs, one per configuration, lent to one command at a time (the search
 * index and the embedded store are not built for concurrent writers in one process). Opening the
 * embedded catalog (H2, its MongoDB wire server, the driver's handshake) is most of a fresh {@code
 * gf list}; here it happens once.
 */
final class SharedCatalogs implements Invocation.CatalogSource {

  /** One configuration's catalog and who is using it. */
  private static final class Held {
    final ReentrantLock lock = new ReentrantLock();
    Catalog catalog;

    void closeNow() {
      if (catalog != null) {
        Catalog c = catalog;
        catalog = null;
        c.close();
      }
    }
  }

  private final ConcurrentHashMap<CatalogConfig, Held> held = new ConcurrentHashMap<>();

  @Override
  public Catalog open(CatalogConfig config) {
    Held h = held.computeIfAbsent(config, c -> new Held());
    h.lock.lock();
    try {
      if (h.catalog == null) {
        closeOthersOnTheSameFile(config);
        h.catalog = Catalog.connect(config);
      }
      return h.catalog.lend(h.lock::unlock);
    } catch (RuntimeException | Error e) {
      h.lock.unlock();
      throw e;
    }
  }

  /**
   * One process opens an embedded catalog's file once: a catalog of another space (or Redis URI) on
   * the same file is closed first, after the command using it, if any, gives it back.
   */
  private void closeOthersOnTheSameFile(CatalogConfig config) {
    if (!config.isEmbedded()) {
      return;
    }
    for (var e : held.entrySet()) {
      CatalogConfig other = e.getKey();
      if (other.isEmbedded()
          && !other.equals(config)
          && other.embeddedFile().equals(config.embeddedFile())) {
        Held h = e.getValue();
        h.lock.lock();
        try {
          h.closeNow();
        } finally {
          h.lock.unlock();
        }
      }
    }
  }

  /**
   * Closes the embedded catalog stored in {@code file} unless a command is using it, so another
   * process can open the file. Reopened by the next command that needs it.
   *
   * @return false when it is in use (ask again later)
   */
  boolean letGo(Path file) {
    boolean free = true;
    for (var e : held.entrySet()) {
      CatalogConfig config = e.getKey();
      if (!config.isEmbedded() || !config.embeddedFile().equals(file)) {
        continue;
      }
      Held h = e.getValue();
      if (h.lock.tryLock()) {
        try {
          h.closeNow();
        } finally {
          h.lock.unlock();
        }
      } else {
        free = false;
      }
    }
    return free;
  }

  /** How many catalogs are open now. */
  int open() {
    return (int) held.values().stream().filter(h -> h.catalog != null).count();
  }

  /** Closes every catalog, waiting for commands using one to give it back. */
  void closeAll() {
    for (Held h : held.values()) {
      h.lock.lock();
      try {
        h.closeNow();
      } catch (RuntimeException e) {
        // closing for exit: nothing else to do with it
      } finally {
        h.lock.unlock();
      }
    }
  }
}
