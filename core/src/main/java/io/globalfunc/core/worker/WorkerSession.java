package io.globalfunc.core.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes a worker leads: {@code gf_worker.py} starts a session of its own, so everything a
 * function forks or spawns (and does not deliberately move to a new session) is in it, even after
 * its parent died. Ending a worker ends its whole session, so no orphan outlives it.
 */
final class WorkerSession {

  private static final Path PROC = Path.of("/proc");
  private static final int ROUNDS = 5;

  private WorkerSession() {}

  /** Kills every process of the session led by {@code leader} (its pid is the session id). */
  static void kill(long leader) {
    if (!Files.isDirectory(PROC)) {
      // No /proc (not Linux): the descendants still alive are the best we can find.
      ProcessHandle.of(leader)
          .ifPresent(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
      return;
    }
    // Repeat: a member may fork while we kill; SIGKILL leaves it no time to do so twice.
    for (int round = 0; round < ROUNDS; round++) {
      List<Long> members = members(leader);
      if (members.isEmpty()) {
        return;
      }
      for (long pid : members) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** Live processes whose session id is {@code sid}. */
  static List<Long> members(long sid) {
    List<Long> found = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path dir : dirs) {
        if (sessionOf(dir) == sid) {
          found.add(Long.parseLong(dir.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      // /proc unreadable: nothing more to find
    }
    return found;
  }

  /** The session id in {@code /proc/<pid>/stat}, or -1 (gone, a zombie, unreadable). */
  private static long sessionOf(Path dir) {
    try {
      String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
      // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 5);
      return f[0].equals("Z") ? -1 : Long.parseLong(f[3]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
