package io.globalfunc.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One connection to the gf daemon: a command to run for its caller, or a status/stop request. */
final class DaemonSession implements Runnable {

  private final GfDaemon daemon;
  private final SocketChannel channel;
  private final OutputStream out;
  private final Cancel cancel = new Cancel();

  DaemonSession(GfDaemon daemon, SocketChannel channel) {
    this.daemon = daemon;
    this.channel = channel;
    this.out = new ChannelOut(channel);
  }

  @Override
  public void run() {
    try (channel) {
      if (!daemon.fromOwner(channel)) {
        return; // another user: not a word
      }
      DataInputStream in = DaemonFrames.input(new ChannelIn(channel));
      answer(in);
    } catch (IOException e) {
      // the caller went away: nothing to answer
    }
  }

  private void answer(DataInputStream in) throws IOException {
    String cwd = null;
    List<String> args = new ArrayList<>();
    Map<String, String> env = new HashMap<>();
    for (DaemonFrames.Frame f = DaemonFrames.read(in); f != null; f = DaemonFrames.read(in)) {
      switch (f.type()) {
        case DaemonFrames.CWD -> cwd = f.text();
        case DaemonFrames.ARG -> args.add(f.text());
        case DaemonFrames.ENV -> {
          String kv = f.text();
          int eq = kv.indexOf('=');
          if (eq > 0) {
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
        case DaemonFrames.RUN -> {
          run(cwd, args, env, in);
          return;
        }
        case DaemonFrames.STATUS -> {
          DaemonFrames.write(out, DaemonFrames.OUT, status());
          DaemonFrames.writeExit(out, 0);
          return;
        }
        case DaemonFrames.STOP -> {
          DaemonFrames.writeExit(out, 0);
          daemon.stop();
          return;
        }
        case DaemonFrames.LET_GO -> {
          boolean free = daemon.catalogs.letGo(Path.of(f.text()));
          DaemonFrames.writeExit(out, free ? 0 : 1);
          return;
        }
        default -> throw new IOException("unexpected frame " + (char) f.type());
      }
    }
  }

  private void run(String cwd, List<String> args, Map<String, String> env, DataInputStream in)
      throws IOException {
    String[] argv = args.toArray(String[]::new);
    if (cwd == null || !Gf.servedByDaemon(argv) || !daemon.begin()) {
      DaemonFrames.write(out, DaemonFrames.FRESH, "");
      return;
    }
    int code;
    try {
      DaemonFrames.write(out, DaemonFrames.GO, "");
      watchForCancel(in);
      code = runCommand(cwd, env, argv);
    } finally {
      daemon.end(); // before the exit status: the caller may ask for the status next
    }
    if (!cancel.cancelled()) {
      DaemonFrames.writeExit(out, code);
    }
  }

  private int runCommand(String cwd, Map<String, String> env, String[] argv) {
    PrintWriter stdout = writer(DaemonFrames.OUT);
    PrintWriter stderr = writer(DaemonFrames.ERR);
    Invocation invocation =
        new Invocation(Path.of(cwd), Map.copyOf(env), stdout, stderr, daemon.catalogs, cancel);
    int code;
    try {
      code = Gf.run(invocation, argv);
    } catch (RuntimeException | Error e) {
      System.err.println(Instant.now() + " gf daemon: " + String.join(" ", argv));
      e.printStackTrace();
      stderr.println("gf: unexpected " + e + " in the gf daemon (GF_DAEMON=0 runs without it)");
      code = 1;
    }
    stdout.flush();
    stderr.flush();
    return code;
  }

  /** The caller's Ctrl-C (a CANCEL frame) or a closed connection cancels the command. */
  private void watchForCancel(DataInputStream in) {
    Thread t =
        new Thread(
            () -> {
              try {
                DaemonFrames.Frame f;
                do {
                  f = DaemonFrames.read(in);
                } while (f != null && f.type() != DaemonFrames.CANCEL);
              } catch (IOException e) {
                // gone: as good as a cancel
              }
              cancel.cancel();
            },
            "gf-daemon-cancel");
    t.setDaemon(true);
    t.start();
  }

  private PrintWriter writer(byte type) {
    return new PrintWriter(
        new OutputStreamWriter(new FrameOut(type), StandardCharsets.UTF_8), true);
  }

  private String status() {
    Duration up = Duration.between(daemon.started, Instant.now()).withNanos(0);
    return String.format(
        "pid %d, socket %s, up %s, exits after %s idle, %d commands served, %d running,"
            + " %d catalogs open%n",
        ProcessHandle.current().pid(),
        daemon.socket,
        up,
        daemon.idle(),
        daemon.served.get(),
        daemon.running(),
        daemon.catalogs.open());
  }

  /** Output of one stream (stdout or stderr) as frames, dropped once the caller gave up. */
  private final class FrameOut extends OutputStream {
    private final byte type;
    private final byte[] buffer = new byte[8192];
    private int size;

    FrameOut(byte type) {
      this.type = type;
    }

    @Override
    public void write(int b) throws IOException {
      if (size == buffer.length) {
        flush();
      }
      buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (size == buffer.length) {
          flush();
        }
        int n = Math.min(len, buffer.length - size);
        System.arraycopy(b, off, buffer, size, n);
        size += n;
        off += n;
        len -= n;
      }
    }

    @Override
    public void flush() {
      if (size == 0) {
        return;
      }
      int n = size;
      size = 0;
      if (cancel.cancelled()) {
        return;
      }
      try {
        synchronized (out) {
          DaemonFrames.write(out, type, buffer, 0, n);
        }
      } catch (IOException e) {
        cancel.cancel(); // the caller is gone
      }
    }
  }

  /** Reads the channel directly: JDK 17's channel streams lock reads and writes together. */
  private static final class ChannelIn extends InputStream {
    private final SocketChannel channel;

    ChannelIn(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
    }
  }

  /** Writes the channel directly (see {@link ChannelIn}). */
  private static final class ChannelOut extends OutputStream {
    private final SocketChannel channel;

    ChannelOut(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(b, off, len);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    }
  }
}
