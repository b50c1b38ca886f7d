package io.globalfunc.core.worker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The channel a worker's answers come back on: a Unix socket in the pool's private folder that the
 * worker connects to as it starts, read by a Netty event loop (in the runtime, the one that writes
 * the HTTP answers), so an answer wakes no thread of its own. A one-time nonce, written to the
 * worker's stdin (which only the runtime writes), proves a connection is the worker's.
 */
final class AnswerChannel {

  /** What the channel reports, on its event loop. */
  interface Sink {
    void ready();

    void answer(WorkerProtocol.Answer answer);

    /** The channel ended: {@code why} it could not be read, or null at the end of its data. */
    void ended(String why);
  }

  private static final int NONCE_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final EventLoop loop;
  private final Path path;
  private final ServerSocketChannel server;
  private final byte[] nonce = new byte[NONCE_BYTES];
  private final int answerLimit;

  @GuardedBy("accepted")
  private final List<Channel> accepted = new ArrayList<>();

  /** Written once by start(), before the accepting thread that uses it starts. */
  private Sink sink;

  private AnswerChannel(EventLoop loop, Path path, ServerSocketChannel server, int answerLimit) {
    this.loop = loop;
    this.path = path;
    this.server = server;
    this.answerLimit = answerLimit;
    RANDOM.nextBytes(nonce);
  }

  /**
   * Listens at {@code dir}/{@code name} for one worker; nothing is accepted until {@link #start}.
   */
  static AnswerChannel bind(Path dir, String name, EventLoop loop, int answerLimit)
      throws IOException {
    Path path = dir.resolve(name);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(path), 4);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    return new AnswerChannel(loop, path, server, answerLimit);
  }

  Path path() {
    return path;
  }

  /** The worker's first frame on stdin: the nonce it sends back first on the socket. */
  byte[] nonceFrame() {
    byte[] frame = new byte[4 + NONCE_BYTES];
    frame[3] = NONCE_BYTES;
    System.arraycopy(nonce, 0, frame, 4, NONCE_BYTES);
    return frame;
  }

  /**
   * Accepts the worker's connection on a short-lived thread; its answers then go to {@code sink}.
   */
  void start(Sink sink, String threadName) {
    this.sink = sink;
    WorkerProcess.daemon(this::acceptUntilClosed, threadName).start();
  }

  private void acceptUntilClosed() {
    try {
      while (true) {
        SocketChannel socket = server.accept();
        socket.configureBlocking(false);
        Channel channel = new NioDomainSocketChannel(socket);
        channel.pipeline().addLast(new Reader());
        synchronized (accepted) {
          accepted.add(channel);
        }
        loop.register(channel);
      }
    } catch (IOException closed) {
      // The worker's connection was proven (or the worker is gone): nothing more to accept.
    }
  }

  private void closeServer() {
    try {
      server.close();
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // nothing more can be done about a socket file in the pool's own folder
    }
  }

  /** Closes the connections that did not prove themselves, now that {@code proven} has. */
  private void closeStrangers(Channel proven) {
    synchronized (accepted) {
      accepted.removeIf(
          c -> {
            if (c == proven) {
              return false;
            }
            c.close();
            return true;
          });
    }
  }

  /**
   * Stops accepting, then waits up to {@code millis} for what was accepted to be read to its end
   * (the worker has exited; a process it forked may still hold the socket): then closes it.
   */
  void drain(long millis) {
    closeServer();
    List<Channel> channels;
    synchronized (accepted) {
      channels = new ArrayList<>(accepted);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (Channel c : channels) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0 || !c.closeFuture().awaitUninterruptibly(left)) {
        c.close();
      }
    }
  }

  /** Reads one accepted connection: the nonce first, then answer frames. */
  private final class Reader extends ByteToMessageDecoder {

    private boolean proven;
    private boolean ended;
    private WorkerProtocol.AnswerHead head;
    private long skipLeft;

    /** The payload being read, copied out as it comes so no buffer grows to an answer's size. */
    private byte[] payload;

    private int filled;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
        throws IOException {
      while (ctx.channel().isOpen() && step(ctx, in)) {
        // each step reads one part: the nonce, a frame's head, or its payload
      }
    }

    /** Reads what it can of the next part; false when more bytes must come first. */
    private boolean step(ChannelHandlerContext ctx, ByteBuf in) throws IOException {
      if (!proven) {
        return in.readableBytes() >= NONCE_BYTES && prove(ctx, in);
      }
      if (head == null) {
        if (in.readableBytes() < WorkerProtocol.ANSWER_HEAD_BYTES) {
          return false;
        }
        head = WorkerProtocol.readHead(in);
        boolean over = head.length() > answerLimit;
        skipLeft = over ? head.payloadBytes() : 0;
        payload = over ? null : new byte[head.payloadBytes()];
        filled = 0;
        return true;
      }
      if (payload == null) {
        int n = (int) Math.min(skipLeft, in.readableBytes());
        in.skipBytes(n);
        skipLeft -= n;
        return skipLeft == 0 && deliver(head.oversized());
      }
      int n = Math.min(payload.length - filled, in.readableBytes());
      in.readBytes(payload, filled, n);
      filled += n;
      return filled == payload.length && deliver(head.answer(payload));
    }

    private boolean prove(ChannelHandlerContext ctx, ByteBuf in) {
      byte[] got = new byte[NONCE_BYTES];
      in.readBytes(got);
      if (!MessageDigest.isEqual(got, nonce)) {
        in.skipBytes(in.readableBytes());
        ctx.close(); // not the worker: the real one may still connect
        return false;
      }
      proven = true;
      closeServer();
      closeStrangers(ctx.channel());
      return true;
    }

    private boolean deliver(WorkerProtocol.Answer answer) {
      head = null;
      payload = null;
      if (answer.status() == WorkerProtocol.STATUS_READY) {
        sink.ready();
      } else {
        sink.answer(answer);
      }
      return true;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      super.channelInactive(ctx); // reads what was left first
      end(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Anything, even an OutOfMemoryError: the worker is replaced, the pool goes on.
      Throwable e =
          cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
      end("its answers could not be read (" + e + ")");
      ctx.close();
    }

    private void end(String why) {
      if (proven && !ended) {
        ended = true;
        sink.ended(why);
      }
    }
  }
}
