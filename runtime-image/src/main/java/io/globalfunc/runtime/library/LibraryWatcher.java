package io.globalfunc.runtime.library;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Watches a served folder (its packages, one level deep, and new ones) and calls back once a burst
 * of changes has settled, so an editor's save of several files reloads once.
 */
final class LibraryWatcher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LibraryWatcher.class);

  /** Quiet time after the last change before reloading: editors write in several steps. */
  private static final long SETTLE_MILLIS = 150;

  private final Path root;
  private final Runnable onChange;
  private final WatchService watch;
  private final Thread thread;

  private LibraryWatcher(Path root, Runnable onChange) throws IOException {
    this.root = root;
    this.onChange = onChange;
    this.watch = FileSystems.getDefault().newWatchService();
    this.thread = new Thread(this::run, "gf-library-watcher");
    this.thread.setDaemon(true);
  }

  /** Starts watching {@code root}; {@code onChange} runs on the watcher's thread. */
  static LibraryWatcher start(Path root, Runnable onChange) throws IOException {
    LibraryWatcher w = new LibraryWatcher(root, onChange);
    w.register(root);
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        w.registerPackage(d);
      }
    }
    w.thread.start();
    return w;
  }

  private void registerPackage(Path dir) throws IOException {
    String name = dir.getFileName().toString();
    if (!name.startsWith(".")) { // .git changes on every commit; it holds no function
      register(dir);
    }
  }

  private void register(Path dir) throws IOException {
    dir.register(
        watch,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY,
        StandardWatchEventKinds.ENTRY_DELETE);
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = watch.take();
        boolean changed = drain(key);
        WatchKey more;
        while ((more = watch.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
          changed |= drain(more);
        }
        if (changed) {
          onChange.run();
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException stop) {
      // closed
    } catch (RuntimeException e) {
      LOG.errorf(e, "the library watcher stopped: %s", e.getMessage());
    }
  }

  /** Whether the key's events touch a library file; registers new package folders. */
  private boolean drain(WatchKey key) {
    Path dir = (Path) key.watchable();
    boolean changed = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (!(event.context() instanceof Path name)) {
        changed = true; // OVERFLOW: something changed, maybe much
        continue;
      }
      Path p = dir.resolve(name);
      String n = name.toString();
      if (n.startsWith(".") || n.endsWith("~") || n.equals("__pycache__") || n.endsWith(".pyc")) {
        continue; // editors' swap files and Python's caches are not the library
      }
      if (dir.equals(root) && Files.isDirectory(p)) {
        try {
          registerPackage(p);
        } catch (IOException e) {
          LOG.warnf("cannot watch %s: %s", p, e.getMessage());
        }
      }
      changed = true;
    }
    key.reset();
    return changed;
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      watch.close();
    } catch (IOException e) {
      // closing
    }
  }
}
