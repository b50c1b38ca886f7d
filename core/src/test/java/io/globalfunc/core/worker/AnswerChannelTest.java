package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The answer socket in-process: who may connect, and how frames are read off it. */
class AnswerChannelTest {

  private static final int LIMIT = 64;

  @TempDir Path dir;
  private NioEventLoopGroup loops;
  private AnswerChannel channel;
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

  /** What the pool's side throws when an answer reaches it, if anything. */
  private volatile Error failOnAnswer;

  @BeforeEach
  void open() throws IOException {
    loops = new NioEventLoopGroup(1);
    channel = AnswerChannel.bind(dir, "w0", loops.next(), LIMIT);
    channel.start(
        new AnswerChannel.Sink() {
          @Override
          public void ready() {
            events.add("ready");
          }

          @Override
          public void answer(WorkerProtocol.Answer answer) {
            if (failOnAnswer != null) {
              throw failOnAnswer;
            }
            events.add(answer);
          }

          @Override
          public void ended(String why) {
            events.add("ended: " + why);
          }
        },
        "test-accept");
  }

  @AfterEach
  void close() {
    channel.drain(0);
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private SocketChannel connect() throws IOException {
    SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX);
    s.connect(UnixDomainSocketAddress.of(channel.path()));
    return s;
  }

  private static void send(SocketChannel s, byte[]... parts) throws IOException {
    for (byte[] p : parts) {
      ByteBuffer b = ByteBuffer.wrap(p);
      while (b.hasRemaining()) {
        s.write(b);
      }
    }
  }

  private byte[] nonce() {
    byte[] frame = channel.nonceFrame();
    return Arrays.copyOfRange(frame, 4, frame.length);
  }

  private static byte[] answer(int status, long id, String payload) {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(13 + body.length)
        .putInt(9 + body.length)
        .put((byte) status)
        .putLong(id)
        .put(body)
        .array();
  }

  private Object next() throws InterruptedException {
    return events.poll(10, TimeUnit.SECONDS);
  }

  @Test
  void theWorkerSendsTheNonceFromItsStdinThenItsAnswers() throws Exception {
    assertThat(channel.nonceFrame()).hasSize(36).startsWith(0, 0, 0, 32);
    try (SocketChannel worker = connect()) {
      send(worker, nonce(), answer(WorkerProtocol.STATUS_READY, 0, "{}"));
      assertThat(next()).isEqualTo("ready");
      send(worker, answer(WorkerProtocol.STATUS_OK | WorkerProtocol.RETIRE_FLAG, 7, "3"));
      WorkerProtocol.Answer a = (WorkerProtocol.Answer) next();
      assertThat(a.status()).isEqualTo(WorkerProtocol.STATUS_OK);
      assertThat(a.retire()).isTrue();
      assertThat(a.callId()).isEqualTo(7);
      assertThat(new String(a.payload(), StandardCharsets.UTF_8)).isEqualTo("3");
      // Proven: nobody else may connect any more.
      assertThat(Files.exists(channel.path())).isFalse();
    }
    assertThat(next()).isEqualTo("ended: null");
  }

  @Test
  void aStrangerWithoutTheNonceIsCutOffAndTheWorkerStillGetsIn() throws Exception {
    try (SocketChannel stranger = connect()) {
      send(stranger, new byte[32], answer(WorkerProtocol.STATUS_READY, 0, "{}"));
      ByteBuffer b = ByteBuffer.allocate(1);
      assertThat(stranger.read(b)).isEqualTo(-1); // closed by the runtime
    }
    try (SocketChannel worker = connect()) {
      send(worker, nonce(), answer(WorkerProtocol.STATUS_READY, 0, "{}"));
      assertThat(next()).isEqualTo("ready");
    }
    assertThat(next()).isEqualTo("ended: null");
  }

  @Test
  @Timeout(30) // without the cut-off the stranger's read would wait forever
  void aSilentStrangerIsCutOffOnceTheWorkerHasProvenItself() throws Exception {
    try (SocketChannel stranger = connect();
        SocketChannel worker = connect()) {
      send(worker, nonce(), answer(WorkerProtocol.STATUS_READY, 0, "{}"));
      assertThat(next()).isEqualTo("ready");
      assertThat(stranger.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    }
  }

  @Test
  void anAnswerOverTheLimitIsSkippedUnreadAndTheNextOneIsRead() throws Exception {
    try (SocketChannel worker = connect()) {
      byte[] big = answer(WorkerProtocol.STATUS_OK, 8, "x".repeat(LIMIT * 100));
      send(worker, nonce(), big, answer(WorkerProtocol.STATUS_OK, 9, "1"));
      WorkerProtocol.Answer skipped = (WorkerProtocol.Answer) next();
      assertThat(skipped.status()).isEqualTo(WorkerProtocol.STATUS_OVERSIZED);
      assertThat(skipped.callId()).isEqualTo(8);
      assertThat(((WorkerProtocol.Answer) next()).callId()).isEqualTo(9);
    }
  }

  @Test
  void anErrorWhileReadingAnAnswerEndsThisChannelOnlyAndTheEventLoopGoesOn() throws Exception {
    failOnAnswer = new OutOfMemoryError("simulated: a 300 MB answer");
    try (SocketChannel worker = connect()) {
      send(worker, nonce(), answer(WorkerProtocol.STATUS_READY, 0, "{}"));
      assertThat(next()).isEqualTo("ready");
      send(worker, answer(WorkerProtocol.STATUS_OK, 1, "\"x\""));
      assertThat((String) next())
          .isEqualTo(
              "ended: its answers could not be read (java.lang.OutOfMemoryError: simulated: a 300"
                  + " MB answer)");
    }
    // The same event loop still serves the next worker's channel (the replacement).
    failOnAnswer = null;
    AnswerChannel next = AnswerChannel.bind(dir, "w1", loops.next(), LIMIT);
    BlockingQueue<Object> got = new LinkedBlockingQueue<>();
    next.start(
        new AnswerChannel.Sink() {
          @Override
          public void ready() {
            got.add("ready");
          }

          @Override
          public void answer(WorkerProtocol.Answer answer) {
            got.add(answer.callId());
          }

          @Override
          public void ended(String why) {
            got.add("ended");
          }
        },
        "test-accept-2");
    try (SocketChannel worker = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      worker.connect(UnixDomainSocketAddress.of(next.path()));
      byte[] frame = next.nonceFrame();
      send(
          worker,
          Arrays.copyOfRange(frame, 4, frame.length),
          answer(WorkerProtocol.STATUS_OK, 7, "1"));
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(7L);
    } finally {
      next.drain(0);
    }
  }

  @Test
  void aCorruptFrameEndsTheChannelWithTheReason() throws Exception {
    try (SocketChannel worker = connect()) {
      send(worker, nonce(), new byte[] {-1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
      assertThat((String) next()).contains("corrupt frame length -1");
    }
  }
}
