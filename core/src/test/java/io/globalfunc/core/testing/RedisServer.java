package io.globalfunc.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real {@code redis-server} process on a free loopback port, for tests. It fails loudly when the
 * binary is missing: {@code scripts/install-test-deps.sh} installs it.
 */
public final class RedisServer implements AutoCloseable {

  private final int port;
  private final Path dir;
  private Process process;

  private RedisServer(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  /** Starts a server on a free port and waits until it accepts connections. */
  public static RedisServer start() {
    try {
      RedisServer server = new RedisServer(freePort(), Files.createTempDirectory("gf-redis-"));
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() throws IOException {
    String binary = System.getenv().getOrDefault("GF_REDIS_SERVER", "redis-server");
    process =
        new ProcessBuilder(
                List.of(
                    binary,
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    dir.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "redis-server exited: " + Files.readString(dir.resolve("redis.log")));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    throw new IllegalStateException("redis-server did not start on port " + port);
  }

  /** Stops the server (its data is gone) and starts it again on the same port. */
  public void restart() {
    stop();
    try {
      launch();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server, simulating an outage, until {@link #restart()}. */
  public void stop() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Runs one command with {@code redis-cli} against {@code uri} ({@code
   * redis://[[user]:password@]host:port}) and returns the non-blank lines of the raw answer: a real
   * client, not the code under test.
   */
  public static List<String> cli(String uri, String... command) {
    // Host, port and password as separate flags: redis-cli's own -u sends an empty user name for
    // redis://:password@host, which Redis refuses.
    URI u = URI.create(uri);
    List<String> cmd =
        new ArrayList<>(
            List.of("redis-cli", "-h", u.getHost(), "-p", Integer.toString(u.getPort())));
    String userInfo = u.getUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? "" : userInfo.substring(0, colon);
      if (!user.isEmpty()) {
        cmd.addAll(List.of("--user", user));
      }
      cmd.addAll(List.of("-a", colon < 0 ? userInfo : userInfo.substring(colon + 1)));
    }
    cmd.addAll(List.of("--no-auth-warning", "--raw"));
    cmd.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code HGETALL key} through {@link #cli}, as a map in the server's order. */
  public static Map<String, String> hash(String uri, String key) {
    List<String> lines = cli(uri, "HGETALL", key);
    Map<String, String> hash = new LinkedHashMap<>();
    for (int i = 0; i + 1 < lines.size(); i += 2) {
      hash.put(lines.get(i), lines.get(i + 1));
    }
    return hash;
  }

  /** A port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
