package io.globalfunc.runtime.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckoutsTest {

  @TempDir Path root;

  static final String A = "a".repeat(40);

  /** A checkout that writes one file and counts its runs. */
  static Consumer<Path> writer(AtomicInteger runs) {
    return into -> {
      runs.incrementAndGet();
      try {
        Files.createDirectories(into.resolve("Base"));
        Files.writeString(into.resolve("Base/add.py"), "def add(a, b):\n    return a + b\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  @Test
  void aCommitsFolderIsWrittenOnceAndDeletedWithItsLastUser() {
    AtomicInteger runs = new AtomicInteger();
    try (Checkouts c = Checkouts.open(root)) {
      Path first = c.acquire(A, writer(runs));
      Path second = c.acquire(A, writer(runs)); // the release's and a warm library of one commit
      assertThat(second).isEqualTo(first).startsWith(c.dir());
      assertThat(first.resolve("Base/add.py")).exists();
      assertThat(runs).hasValue(1);
      c.release(A);
      assertThat(first).exists();
      c.release(A);
      assertThat(first).doesNotExist();
      assertThat(c.acquire(A, writer(runs)).resolve("Base/add.py")).exists();
      assertThat(runs).hasValue(2);
    }
  }

  @Test
  void aFailedCheckoutLeavesNothingAndTheNextOneTriesAgain() {
    AtomicInteger runs = new AtomicInteger();
    try (Checkouts c = Checkouts.open(root)) {
      assertThatThrownBy(
              () ->
                  c.acquire(
                      A,
                      into -> {
                        writer(runs).accept(into);
                        throw new IllegalStateException("no such commit");
                      }))
          .hasMessage("no such commit");
      try (var left = Files.list(c.dir())) {
        assertThat(left).isEmpty();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      assertThat(c.acquire(A, writer(runs)).resolve("Base/add.py")).exists();
    }
  }

  @Test
  void openingRemovesWhatGoneRuntimesLeftAndKeepsLiveOnes() throws Exception {
    Path gone = Files.createDirectories(root.resolve("run-7-dead").resolve(A));
    Files.createFile(root.resolve("run-7-dead.lock")); // nobody holds it: its process died
    Path lockless = Files.createDirectories(root.resolve("run-9-x").resolve(A));
    Path live = Files.createDirectories(root.resolve("run-8-live").resolve(A));
    // An older layout's checkouts/<commit>: an older runtime may still be running on it.
    Path older = Files.createDirectories(root.resolve(A).resolve("Base"));
    try (FileChannel held =
            FileChannel.open(
                root.resolve("run-8-live.lock"),
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        var lock = held.lock();
        Checkouts other = Checkouts.open(root);
        Checkouts mine = Checkouts.open(root)) {
      assertThat(gone.getParent()).doesNotExist();
      assertThat(root.resolve("run-7-dead.lock")).doesNotExist();
      assertThat(lockless.getParent()).doesNotExist();
      assertThat(live).exists();
      assertThat(older).exists();
      assertThat(other.dir()).exists().isNotEqualTo(mine.dir());
    }
  }

  @Test
  void closingDeletesTheRunsFolderAndLock() {
    Checkouts c = Checkouts.open(root);
    c.acquire(A, writer(new AtomicInteger()));
    c.close();
    assertThat(root).isEmptyDirectory();
    assertThatThrownBy(() -> c.acquire(A, writer(new AtomicInteger())))
        .isInstanceOf(IllegalStateException.class);
  }
}
