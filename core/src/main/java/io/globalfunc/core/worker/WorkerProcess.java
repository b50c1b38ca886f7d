package io.globalfunc.core.worker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.globalfunc.core.python.PythonScripts;
import io.netty.channel.EventLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One Python worker process and its plumbing: spawning it, the {@link AnswerChannel} its answers
 * come back on, the thread logging its stderr, the thread waiting for its exit, and writing frames
 * to it. Knows nothing of calls or dispatch; it reports what the process says and how it ended to
 * its {@link Listener}.
 *
 * <p>The end of a worker is the exit of its process, not the end of its output: a process a
 * function forked may hold the pipes open. When the worker exits, its whole session is killed
 * ({@link WorkerSession}), then the exit is reported once, after the answers it wrote were read.
 */
final class WorkerProcess {

  private static final Logger LOG = Logger.getLogger(WorkerProcess.class);
  private static final Logger PYTHON_LOG = Logger.getLogger("gf.python");

  /** Frames up to this size are written inline: they always fit an empty pipe (64 KiB). */
  static final int INLINE_FRAME_LIMIT = 60 * 1024;

  private static final int STDERR_TAIL = 20;

  /** How long after the end of its answer channel a worker may take to be seen exited. */
  private static final long CHANNEL_END_GRACE_MILLIS = 500;

  /** How long the answers of an exited worker may take to be read. */
  private static final long DRAIN_MILLIS = 2000;

  /**
   * How long the log of an exited worker may take to drain. Its pipe ends at the exit (the session
   * is killed), so this only bounds a starved log thread: 1 s lost a print at load 31.
   */
  private static final long LOG_DRAIN_MILLIS = 5000;

  /**
   * What a worker process reports: answers on its answer channel's event loop, the exit on a thread
   * of its own.
   *
   * @param onReady it answered its handshake
   * @param onAnswer it answered a call
   * @param onExit it has ended (or its channel was unusable and it was killed), with how it ended
   *     (never its output, which may belong to other callers' calls) and its last lines of stderr
   */
  record Listener(
      Runnable onReady,
      Consumer<WorkerProtocol.Answer> onAnswer,
      BiConsumer<String, String> onExit) {}

  final int slot;
  private final Process process;
  private final OutputStream stdin;
  private final AnswerChannel answers;

  @GuardedBy("stderrTail")
  private final ArrayDeque<String> stderrTail = new ArrayDeque<>();

  // Both written once by listen(), before the threads that read them start (Thread.start orders
  // the writes before everything those threads do).
  private Listener listener;
  private Thread stderrThread;

  /**
   * Why its answer channel was given up on while the process lived, if it was; part of the exit
   * reason.
   */
  private volatile String channelFailure;

  private WorkerProcess(int slot, Process process, AnswerChannel answers) {
    this.slot = slot;
    this.process = process;
    this.stdin = process.getOutputStream();
    this.answers = answers;
  }

  /**
   * Starts a worker process for {@code config} whose answers {@code loop} reads from a socket in
   * {@code socketDir}; nothing is read until {@link #listen}.
   */
  static WorkerProcess spawn(PoolConfig config, int slot, Path socketDir, EventLoop loop)
      throws IOException {
    AnswerChannel answers =
        AnswerChannel.bind(socketDir, "w" + slot, loop, WorkerProtocol.answerLimit(config));
    ProcessBuilder pb = new ProcessBuilder(command(config, answers.path()));
    if (config.workDir() != null) {
      try {
        Files.createDirectories(config.workDir());
      } catch (IOException e) {
        LOG.warnf("cannot create work dir %s: %s", config.workDir(), e.getMessage());
      }
      pb.directory(config.workDir().toFile());
    }
    WorkerEnvironment.scrub(pb.environment());
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD); // the answers come on the socket
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      answers.drain(0);
      throw e;
    }
    WorkerProcess worker = new WorkerProcess(slot, process, answers);
    worker.write(answers.nonceFrame()); // the first frame, before any call
    return worker;
  }

  private static List<String> command(PoolConfig config, Path answerSocket) {
    return List.of(
        config.python(),
        "-B",
        "-u",
        PythonScripts.WORKER.path().toString(),
        config.libraryDir().toAbsolutePath().toString(),
        Long.toString(config.memoryCapBytes()),
        Integer.toString(config.maxResultBytes()),
        answerSocket.toString(),
        config.scheduling().name().toLowerCase(Locale.ROOT));
  }

  long pid() {
    return process.pid();
  }

  /** Starts reading the process; its events go to {@code listener}. */
  void listen(Listener listener) {
    this.listener = listener;
    stderrThread = daemon(this::readLog, "gf-worker-" + slot + "-log");
    Thread exit = daemon(this::awaitExit, "gf-worker-" + slot + "-exit");
    stderrThread.start();
    answers.start(new Answers(), "gf-worker-" + slot + "-accept");
    exit.start();
  }

  /** A thread that never keeps the JVM alive. */
  static Thread daemon(Runnable body, String name) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  /** Writes one frame; a dead process is noticed by the reader, not here. */
  void write(byte[] frame) {
    try {
      stdin.write(frame);
      stdin.flush();
    } catch (IOException e) {
      // The process is gone; the reader sees the end of its output and handles the exit.
      LOG.debugf("write to worker %d failed: %s", slot, e.getMessage());
    }
  }

  /**
   * Writes a frame too large to be sure to fit the pipe on a thread of its own, so the caller never
   * blocks, then runs {@code written}.
   */
  void writeInBackground(byte[] frame, Runnable written) {
    daemon(
            () -> {
              write(frame);
              written.run();
            },
            "gf-worker-" + slot + "-writer")
        .start();
  }

  /** Asks the worker to finish: it exits when it reads the end of its input. */
  void closeInput() {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // already closed or dead: the reader handles it
    }
  }

  /** Kills the worker and its session, saying why in the log. */
  void kill(String why) {
    LOG.warnf("Python worker %d (pid %d) %s; killing it", slot, process.pid(), why);
    kill();
  }

  /** Kills the worker and every process of its session at once. */
  void kill() {
    process.destroyForcibly();
    WorkerSession.kill(process.pid());
  }

  /**
   * Waits up to {@code seconds} for a clean exit, then kills, ends its session; returns once its
   * last log lines are read.
   */
  void awaitExitOrKill(long seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    WorkerSession.kill(process.pid());
    join(stderrThread, LOG_DRAIN_MILLIS);
  }

  /** The answer channel's reports, on its event loop. */
  private final class Answers implements AnswerChannel.Sink {
    @Override
    public void ready() {
      listener.onReady().run();
    }

    @Override
    public void answer(WorkerProtocol.Answer answer) {
      listener.onAnswer().accept(answer);
    }

    @Override
    public void ended(String why) {
      if (why != null) {
        LOG.errorf("worker %d: %s; killing it", slot, why);
        giveUp(why);
      } else {
        // The end of the channel comes with the exit; if the process lives on, it closed its
        // protocol channel and is of no more use.
        process
            .onExit()
            .completeOnTimeout(process, CHANNEL_END_GRACE_MILLIS, TimeUnit.MILLISECONDS)
            .thenRun(
                () -> {
                  if (process.isAlive()) {
                    giveUp("it closed its answer channel");
                  }
                });
      }
    }
  }

  private void giveUp(String why) {
    channelFailure = why;
    kill();
  }

  /** Reports the exit once the process is gone, its session killed and its answers read. */
  private void awaitExit() {
    int code = waitForExit();
    WorkerSession.kill(process.pid());
    answers.drain(DRAIN_MILLIS);
    join(stderrThread, LOG_DRAIN_MILLIS);
    String failure = channelFailure;
    String reason = describeExit(code) + (failure == null ? "" : " after " + failure);
    listener.onExit().accept(reason, stderrTail());
  }

  private int waitForExit() {
    while (true) {
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        // Only the process ending ends this thread.
      }
    }
  }

  private static void join(Thread t, long millis) {
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readLog() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        PYTHON_LOG.infof("[worker %d] %s", slot, line);
        synchronized (stderrTail) {
          if (stderrTail.size() == STDERR_TAIL) {
            stderrTail.pollFirst();
          }
          stderrTail.addLast(line);
        }
      }
    } catch (IOException ignored) {
      // the process is gone
    }
  }

  private String stderrTail() {
    synchronized (stderrTail) {
      List<String> lines = new ArrayList<>(stderrTail);
      int from = Math.max(0, lines.size() - 3);
      return String.join(" | ", lines.subList(from, lines.size()));
    }
  }

  /** How a worker ended; never its output, which may belong to other callers' calls. */
  static String describeExit(int code) {
    if (code > 128 && code < 160) {
      return "killed by signal " + (code - 128) + signalName(code - 128);
    }
    return "exited with code " + code;
  }

  private static String signalName(int sig) {
    return switch (sig) {
      case 6 -> " (SIGABRT)";
      case 9 -> " (SIGKILL, e.g. out of memory)";
      case 11 -> " (SIGSEGV)";
      case 15 -> " (SIGTERM)";
      default -> "";
    };
  }
}
