package io.globalfunc.core.worker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The private temporary folders that hold a pool's answer sockets. Each holds a lock for as long as
 * its pool lives, so the folder of a JVM that was killed (and could not remove it) is recognised
 * and removed by the next pool of the same user, even across containers sharing {@code /tmp}, where
 * process ids say nothing.
 */
final class AnswerSocketDirs implements AutoCloseable {

  private static final String PREFIX = "gf-answers-";
  private static final String PARTIAL = ".gf-answers-partial-";
  private static final String LOCK = ".lock";

  /** Temporary folders swept by this JVM: a runtime starts a pool per warm commit, sweep once. */
  private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final FileChannel lockFile;

  private AnswerSocketDirs(Path dir, FileChannel lockFile) {
    this.dir = dir;
    this.lockFile = lockFile;
  }

  /** A new folder only this user may enter, after removing those of pools that no longer run. */
  static AnswerSocketDirs create() throws IOException {
    return create(Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * A new folder in {@code tmp}, after removing those of pools that no longer run (on this JVM's
   * first pool there: folders left later are the next JVM's to remove).
   */
  static AnswerSocketDirs create(Path tmp) throws IOException {
    if (SWEPT.add(tmp)) {
      sweepAbandoned(tmp);
    }
    // Locked before it gets its final name, so a sweep never sees it unlocked while it is alive.
    Path partial =
        Files.createTempDirectory(
            tmp,
            PARTIAL,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    FileChannel lock =
        FileChannel.open(
            partial.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    lock.lock();
    Path dir =
        Files.move(
            partial,
            tmp.resolve(PREFIX + partial.getFileName().toString().substring(PARTIAL.length())),
            StandardCopyOption.ATOMIC_MOVE);
    // A JVM that exits without closing its pools still removes it (sockets go once proven);
    // files registered last are deleted first.
    dir.toFile().deleteOnExit();
    dir.resolve(LOCK).toFile().deleteOnExit();
    return new AnswerSocketDirs(dir, lock);
  }

  Path path() {
    return dir;
  }

  /** Removes the folders in {@code tmp} whose pool is gone; never one whose lock is held. */
  static void sweepAbandoned(Path tmp) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, PREFIX + "*")) {
      for (Path dir : dirs) {
        if (abandoned(dir)) {
          remove(dir);
        }
      }
    } catch (IOException | SecurityException ignored) {
      // tidying up is best effort
    }
  }

  /** Whether no pool holds the folder's lock; a folder without one is not ours to judge. */
  static boolean abandoned(Path dir) {
    try (FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      return lock != null;
    } catch (OverlappingFileLockException e) {
      return false; // held by another pool of this JVM
    } catch (IOException | SecurityException e) {
      return false; // no lock file (not made by this class), or another user's
    }
  }

  /** Removes the folder and the sockets it holds, releasing its lock. */
  @Override
  public void close() {
    try {
      lockFile.close();
    } catch (IOException ignored) {
      // closing releases the lock; the process exit would too
    }
    remove(dir);
  }

  private static void remove(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // already gone, or not ours: at worst it outlives its pool
    }
  }
}
