package io.globalfunc.runtime.library;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The commits this runtime has checked out for its Python workers to import, so that the disk holds
 * only the commits it serves: one folder per runtime run under {@code GF_CACHE_DIR/checkouts}
 * (owned through a file lock held while the runtime lives, since several runtimes may share a
 * cache), one sub-folder per commit, deleted once the last library using it has stopped its
 * workers. What a runtime that is gone left there (killed outright, or a container restarted on the
 * same emptyDir) is deleted when another one opens its folder.
 */
final class Checkouts implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Checkouts.class);
  private static final String LOCK = ".lock";
  private static final String PARTIAL = ".partial";
  private static final String RUN = "run-";

  /** How many libraries use a commit's folder, and whether it is written. */
  private static final class Entry {
    int users;
    boolean written;
  }

  private final Path dir;
  private final Path lockFile;
  private final FileChannel lockChannel;
  private final Map<String, Entry> entries = new HashMap<>();
  private boolean closed;

  private Checkouts(Path dir, Path lockFile, FileChannel lockChannel) {
    this.dir = dir;
    this.lockFile = lockFile;
    this.lockChannel = lockChannel;
  }

  /** Takes a folder of its own under {@code root} and deletes what gone runtimes left there. */
  static Checkouts open(Path root) {
    try {
      Files.createDirectories(root);
      while (true) {
        String run =
            RUN
                + ProcessHandle.current().pid()
                + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Path lockFile = root.resolve(run + LOCK);
        FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        channel.lock(); // released by the OS when this process dies, however it dies
        if (!Files.exists(lockFile)) {
          channel.close(); // another runtime took it for a leftover before the lock: a new name
          continue;
        }
        Checkouts checkouts =
            new Checkouts(Files.createDirectories(root.resolve(run)), lockFile, channel);
        checkouts.removeLeftovers(root);
        return checkouts;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + root + " for checkouts", e);
    }
  }

  /** This run's folder. */
  Path dir() {
    return dir;
  }

  /**
   * The folder of {@code commit}, written by {@code checkout} (into an empty folder) unless it is
   * there already; the caller {@link #release}s it once its workers have stopped.
   */
  Path acquire(String commit, Consumer<Path> checkout) {
    Entry entry;
    synchronized (entries) {
      if (closed) {
        throw new IllegalStateException("the runtime is stopping");
      }
      entry = entries.computeIfAbsent(commit, c -> new Entry());
      entry.users++;
    }
    Path target = dir.resolve(commit);
    Path partial = dir.resolve(commit + PARTIAL);
    try {
      synchronized (entry) {
        if (!entry.written) {
          deleteTree(partial);
          checkout.accept(partial);
          Files.move(partial, target);
          entry.written = true;
        }
      }
      return target;
    } catch (IOException | RuntimeException e) {
      deleteTree(partial);
      release(commit);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** One user less of a commit's folder; the last one deletes it. */
  void release(String commit) {
    synchronized (entries) {
      Entry entry = entries.get(commit);
      if (entry == null || --entry.users > 0) {
        return;
      }
      entries.remove(commit);
      // Under the lock, so that a new user of the commit writes its folder after this delete.
      deleteTree(dir.resolve(commit));
    }
  }

  /**
   * Deletes the folders of runtimes that are gone: one whose lock file nobody holds, or that has no
   * lock file. An older layout's {@code checkouts/<commit>} is left alone: a runtime of an older
   * version may still be running on it, and nothing tells.
   */
  private void removeLeftovers(Path root) throws IOException {
    try (DirectoryStream<Path> all = Files.newDirectoryStream(root)) {
      for (Path p : all) {
        String name = p.getFileName().toString();
        if (p.equals(dir) || p.equals(lockFile) || !name.startsWith(RUN)) {
          continue;
        }
        if (name.endsWith(LOCK)) {
          removeIfGone(p, root.resolve(name.substring(0, name.length() - LOCK.length())));
        } else if (!Files.exists(root.resolve(name + LOCK))) {
          LOG.infof("removing %s, left by a runtime that is gone", p);
          deleteTree(p);
        }
      }
    }
  }

  /** Deletes a run's folder and lock file when no live process holds the lock. */
  private static void removeIfGone(Path lock, Path runDir) {
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock held = channel.tryLock();
      if (held == null) {
        return; // a live runtime's
      }
      LOG.infof("removing %s, left by a runtime that is gone", runDir);
      deleteTree(runDir);
      Files.deleteIfExists(lock);
    } catch (OverlappingFileLockException live) {
      // held by this JVM: a runtime of its own (tests start several)
    } catch (NoSuchFileException gone) {
      // removed meanwhile by its owner or another runtime
    } catch (IOException e) {
      LOG.warnf("cannot check %s: %s", lock, e.getMessage());
    }
  }

  /** Deletes this run's folder: the runtime stops. */
  @Override
  public void close() {
    synchronized (entries) {
      if (closed) {
        return;
      }
      closed = true;
      entries.clear();
      deleteTree(dir);
    }
    try {
      Files.deleteIfExists(lockFile);
      lockChannel.close();
    } catch (IOException e) {
      LOG.warnf("cannot remove %s: %s", lockFile, e.getMessage());
    }
  }

  /** Deletes a folder and what it holds; a failure is logged, the runtime goes on. */
  static void deleteTree(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warnf("cannot delete %s: %s", root, e.getMessage());
    }
  }
}
