package io.globalfunc.core.worker;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where a pool's workers' answers are read: event loops, either the runtime's own (the HTTP
 * server's, so an answer is read on the loop that writes it out) or loops the pool owns (the CLI,
 * tests), and the private folder of the workers' answer sockets.
 */
final class AnswerLoops implements AutoCloseable {

  private final List<EventLoop> loops = new ArrayList<>();
  private final EventLoopGroup owned;
  private final AnswerSocketDirs socketDir;

  private AnswerLoops(EventLoopGroup group, boolean owned) throws IOException {
    for (EventExecutor e : group) {
      loops.add((EventLoop) e);
    }
    this.owned = owned ? group : null;
    // Only this user may reach the sockets; each connection also proves itself with a nonce.
    this.socketDir = AnswerSocketDirs.create();
  }

  /**
   * The loops of {@code group}, which someone else runs (and shuts down); when it is null (or not
   * NIO), loops of the pool's own, one per worker as the pool starts.
   */
  static AnswerLoops of(EventLoopGroup group, int workers) {
    try {
      // The answer sockets are NIO channels: only NIO loops can read them (not native epoll ones).
      if (group != null && group.next() instanceof NioEventLoop) {
        return new AnswerLoops(group, false);
      }
      return new AnswerLoops(
          new NioEventLoopGroup(
              Math.max(1, workers), new DefaultThreadFactory("gf-worker-answers", true)),
          true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int size() {
    return loops.size();
  }

  EventLoop get(int index) {
    return loops.get(index);
  }

  Path socketDir() {
    return socketDir.path();
  }

  /** The index of the loop the calling thread runs, or -1 when it runs none of them. */
  int current() {
    for (int i = 0; i < loops.size(); i++) {
      if (loops.get(i).inEventLoop()) {
        return i;
      }
    }
    return -1;
  }

  /** Removes the socket folder and stops the loops the pool owns; its workers have exited. */
  @Override
  public void close() {
    socketDir.close();
    if (owned != null) {
      owned.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
