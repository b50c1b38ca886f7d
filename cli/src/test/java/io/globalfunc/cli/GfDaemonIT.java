package io.globalfunc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.globalfunc.core.batch.BatchStore;
import io.globalfunc.core.naming.BatchKeys;
import io.globalfunc.core.testing.RedisServer;
import io.globalfunc.core.testing.RuntimeProcesses;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real bin/gf against a real gf daemon: the same output and exit status as a fresh gf, the
 * caller's folder and stdin, two callers at once, Ctrl-C, a daemon of another gf.jar ignored, a
 * killed daemon replaced, and the idle exit. The launcher runs from a copy of the install (its own
 * gf.jar), so touching that jar changes its identity without disturbing other tests.
 */
class GfDaemonIT {

  @TempDir static Path tmp;
  static Path repo;
  static Path launcher;
  static Path jar;
  static Path daemons;
  static HttpServer runtime;
  static String url;
  static final CountDownLatch slowCallArrived = new CountDownLatch(1);

  @BeforeAll
  static void setUp() throws Exception {
    repo = tmp.resolve("lib");
    GfCliIT.examplesRepo(repo);
    launcher = install(tmp.resolve("install"));
    jar = tmp.resolve("install/cli/target/gf.jar");
    daemons = tmp.resolve("d");
    runtime = runtime();
    url = "http://127.0.0.1:" + runtime.getAddress().getPort();
    assertThat(gf().exec(repo, cmd("save", "--all")).exit()).isZero();
  }

  @AfterAll
  static void tearDown() {
    gf().exec(repo, cmd("daemon", "stop"));
    gf().env("GF_DAEMON_DIR", tmp.resolve("idle").toString()).exec(repo, cmd("daemon", "stop"));
    runtime.stop(0);
  }

  /** bin/gf, scripts and a copy of gf.jar (its dependencies linked) under {@code dir}. */
  static Path install(Path dir) throws IOException {
    Path target = GfProcess.jar().getParent();
    Path root = target.getParent().getParent();
    Files.createDirectories(dir.resolve("bin"));
    Files.createDirectories(dir.resolve("scripts"));
    Files.createDirectories(dir.resolve("cli/target"));
    Files.copy(root.resolve("bin/gf"), dir.resolve("bin/gf"));
    for (String s : List.of("gf_client.py", "gf-jdk.sh")) {
      Files.copy(root.resolve("scripts").resolve(s), dir.resolve("scripts").resolve(s));
    }
    Files.copy(target.resolve("gf.jar"), dir.resolve("cli/target/gf.jar"));
    Files.createSymbolicLink(dir.resolve("cli/target/lib"), target.resolve("lib"));
    return dir.resolve("bin/gf");
  }

  /** Answers {@code gf call --url} as a runtime; a call with {@code "slow"} waits 20 s. */
  static HttpServer runtime() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          String request = new String(exchange.getRequestBody().readAllBytes());
          if (request.contains("slow")) {
            slowCallArrived.countDown();
            GfDaemon.sleep(Duration.ofSeconds(20));
          }
          byte[] body = "2.5".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          try (OutputStream out = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(200, body.length);
            out.write(body);
          } catch (IOException gone) {
            // the caller gave up
          }
        });
    server.start();
    return server;
  }

  static GfProcess gf() {
    return new GfProcess(tmp.resolve("home"))
        .env("GF_DAEMON", "1")
        .env("GF_DAEMON_DIR", daemons.toString())
        .env("GF_DAEMON_IDLE", "120");
  }

  static List<String> cmd(String... args) {
    List<String> c = new ArrayList<>(List.of(launcher.toString()));
    c.addAll(List.of(args));
    return c;
  }

  /** The socket of the daemon for the install's jar as it is now, once that daemon answers. */
  static Path warmDaemon() {
    assertThat(gf().exec(repo, cmd("branch")).exit()).isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (Path s : DaemonPaths.sockets(daemons)) {
        if (s.getFileName().toString().contains(identity()) && status(s) != null) {
          return s;
        }
      }
      GfDaemon.sleep(Duration.ofMillis(100));
    }
    throw new AssertionError("no daemon answered in " + daemons);
  }

  /** bin/gf's name for the jar: device, inode, size, mtime. */
  static String identity() {
    try {
      Process p = new ProcessBuilder("stat", "-L", "-c", "%d-%i-%s-%.9Y", jar.toString()).start();
      return new String(p.getInputStream().readAllBytes()).strip();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The daemon's status line, or null when nobody answers there. */
  static String status(Path socket) {
    try {
      return DaemonClient.request(socket, DaemonFrames.STATUS, "").out();
    } catch (IOException e) {
      return null;
    }
  }

  static long served(Path socket) {
    return number(status(socket), "(\\d+) commands served");
  }

  /**
   * bin/gf with {@code args}, with the daemon, as a terminal's foreground job: a build started in
   * the background (nohup ... &) ignores SIGINT, and every process it starts inherits that, so
   * Ctrl-C is made default again.
   */
  static Process startInTerminal(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
    command.addAll(cmd(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
    pb.environment().put("GF_HOME", tmp.resolve("home").toString());
    pb.environment().put("GF_DAEMON_DIR", daemons.toString());
    pb.environment().remove("GF_DAEMON");
    return pb.start();
  }

  /** Ctrl-C at the terminal: SIGINT to the daemon's client that bin/gf became. */
  static void pressCtrlC(Process gf) throws Exception {
    ProcessHandle client =
        gf.toHandle().children().findFirst().orElseThrow(() -> new AssertionError("no client"));
    new ProcessBuilder("kill", "-INT", Long.toString(client.pid())).start().waitFor();
  }

  static long number(String status, String regex) {
    Matcher m = Pattern.compile(regex).matcher(String.valueOf(status));
    assertThat(m.find()).as(status).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void commandsAnswerAsAFreshGfDoes() {
    Path socket = warmDaemon();
    List<List<String>> lines =
        List.of(
            List.of("branch"),
            List.of("branch", "--json"),
            List.of("list"),
            List.of("list", "--json"),
            List.of("search", "mean"),
            List.of("search", "时间戳"),
            List.of("describe", "Util.mean"),
            List.of("describe", "Util.nope"),
            List.of("list", "--nope"),
            List.of("call", "Util.mean", "values:=[1,2]", "--url", url),
            List.of("call", "Util.mean", "values:=[1,2]", "--url", "http://127.0.0.1:9"),
            List.of("--version"));
    long before = served(socket);
    for (List<String> line : lines) {
      String[] args = line.toArray(String[]::new);
      GfProcess.Result fresh = gf().env("GF_DAEMON", "0").exec(repo, cmd(args));
      GfProcess.Result warm = gf().exec(repo, cmd(args));
      assertThat(warm).as(String.join(" ", line)).isEqualTo(fresh);
    }
    assertThat(served(socket)).isEqualTo(before + lines.size());
    assertThat(gf().exec(repo, cmd("describe", "Util.nope")).exit()).isEqualTo(1);
    assertThat(gf().exec(repo, cmd("list", "--nope")).exit()).isEqualTo(2);
  }

  @Test
  void pathsAndEnvironmentAreTheCallers() throws Exception {
    Path socket = warmDaemon();
    Path other = tmp.resolve("other");
    Files.createDirectories(other.resolve("deep"));
    try (Git git = Git.init().setDirectory(other.toFile()).setInitialBranch("feature").call()) {
      Files.writeString(other.resolve("deep/x.txt"), "x");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("x").setAuthor("T", "t@x").setCommitter("T", "t@x").call();
    }
    long before = served(socket);
    assertThat(gf().exec(other.resolve("deep"), cmd("branch")).out()).isEqualTo("feature\n");
    assertThat(gf().exec(repo.resolve("Util"), cmd("branch")).out()).isEqualTo("master\n");
    assertThat(gf().exec(tmp, cmd("-C", "lib", "branch")).out()).isEqualTo("master\n");
    assertThat(gf().exec(tmp, cmd("-C", "other/deep", "branch")).out()).isEqualTo("feature\n");
    // A relative GF_HOME is the caller's: an empty catalog there, not the saved one.
    GfProcess.Result list = gf().env("GF_HOME", "fresh-home").exec(repo, cmd("list"));
    assertThat(list.out()).startsWith("nothing saved for branch master");
    assertThat(repo.resolve("fresh-home/catalog.mv.db")).exists();
    // Another space in the same catalog file, then the default one again: one open file at a time.
    GfProcess.Result space = gf().env("GF_SPACE", "sp_Other").exec(repo, cmd("list"));
    assertThat(space.out()).contains("in space sp_Other");
    assertThat(gf().exec(repo, cmd("list")).out()).contains("Util.mean");
    assertThat(served(socket)).isEqualTo(before + 7);
  }

  @Test
  void stdinIsLeftToTheCaller() {
    Path socket = warmDaemon();
    long before = served(socket);
    GfProcess.Result r =
        gf().exec(
                repo,
                List.of(
                    "bash", "-c", "printf 'left' | { \"$0\" branch; cat; }", launcher.toString()));
    assertThat(r.out()).isEqualTo("master\nleft");
    assertThat(served(socket)).isEqualTo(before + 1);
  }

  @Test
  void twoCallersAtOnceEachGetTheirOwnAnswer() throws Exception {
    warmDaemon();
    String list = gf().env("GF_DAEMON", "0").exec(repo, cmd("list")).out();
    String search = gf().env("GF_DAEMON", "0").exec(repo, cmd("search", "mean")).out();
    for (int round = 0; round < 3; round++) {
      CompletableFuture<GfProcess.Result> a =
          CompletableFuture.supplyAsync(() -> gf().exec(repo, cmd("list")));
      CompletableFuture<GfProcess.Result> b =
          CompletableFuture.supplyAsync(() -> gf().exec(repo, cmd("search", "mean")));
      CompletableFuture<GfProcess.Result> c =
          CompletableFuture.supplyAsync(() -> gf().exec(repo.resolve("Util"), cmd("branch")));
      assertThat(a.get().out()).isEqualTo(list);
      assertThat(b.get().out()).isEqualTo(search);
      assertThat(c.get().out()).isEqualTo("master\n");
    }
  }

  @Test
  void aDurableMapRunsInTheDaemonFromTheCallersFolderAndWritesWhatAFreshGfWrites()
      throws Exception {
    try (RedisServer redis = RedisServer.start();
        RuntimeProcesses runtimes = new RuntimeProcesses()) {
      runtimes.start(tmp, RuntimeProcesses.batchEnv(repo, redis.uri(), tmp.resolve("rt-work")));
      StringBuilder items = new StringBuilder();
      for (int i = 0; i < 3000; i++) {
        items.append("{\"values\": [").append(i).append(", 1]}\n");
      }
      Files.writeString(repo.resolve("items.jsonl"), items.toString());
      Path socket = warmDaemon();
      long before = served(socket);
      List<String> map = List.of("--input", "items.jsonl", "--redis", redis.uri());
      GfProcess.Result warm = gf().exec(repo, mapCmd(map, "daemon.jsonl"));
      assertThat(warm.exit()).as(warm.toString()).isZero();
      assertThat(warm.out()).isEqualTo("3000 results in daemon.jsonl\n");
      assertThat(served(socket)).isEqualTo(before + 1); // it ran in the daemon
      GfProcess.Result fresh = gf().env("GF_DAEMON", "0").exec(repo, mapCmd(map, "fresh.jsonl"));
      assertThat(fresh.exit()).as(fresh.toString()).isZero();
      List<String> got = Files.readAllLines(repo.resolve("daemon.jsonl"));
      assertThat(got).hasSize(3000).isEqualTo(Files.readAllLines(repo.resolve("fresh.jsonl")));
      assertThat(got.get(2999)).isEqualTo("{\"ok\":true,\"result\":1500.0}");
    }
  }

  private static List<String> mapCmd(List<String> common, String output) {
    List<String> args = new ArrayList<>(List.of("map", "Util.mean", "--output", output));
    args.addAll(common); // the release's branch: the folder's (master)
    return cmd(args.toArray(String[]::new));
  }

  @Test
  void ctrlCStopsADurableMapInTheDaemonAndARerunResumesIt() throws Exception {
    try (RedisServer redis = RedisServer.start();
        BatchStore store =
            BatchStore.connect(null, redis.uri(), new BatchKeys("sp_Idle", "local"))) {
      // A release that says it serves Util.mean but runs nothing: the map waits for results.
      store.announce(Set.of("Util.mean"), Duration.ofMinutes(5));
      Files.writeString(repo.resolve("idle.jsonl"), "{\"values\": [1]}\n{\"values\": [3]}\n");
      Path socket = warmDaemon();
      String[] idleMap = {
        "map",
        "Util.mean",
        "--input",
        "idle.jsonl",
        "--output",
        "idle.out",
        "--redis",
        redis.uri(),
        "--space",
        "sp_Idle",
        "--branch",
        "local"
      };
      Process p = startInTerminal(idleMap);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (store.queued() == 0 && System.nanoTime() < deadline) {
        GfDaemon.sleep(Duration.ofMillis(50));
      }
      assertThat(store.queued()).as("the batch was queued").isPositive();
      assertThat(number(status(socket), "(\\d+) running")).isEqualTo(1);
      pressCtrlC(p);
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(130);
      deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (number(status(socket), "(\\d+) running") > 0 && System.nanoTime() < deadline) {
        GfDaemon.sleep(Duration.ofMillis(50));
      }
      assertThat(number(status(socket), "(\\d+) running")).as("the wait stopped").isZero();
      // Only the wait stopped: the batch is still queued, and a rerun resumes it.
      assertThat(store.queued()).isPositive();
      Path log = tmp.resolve("resume.log");
      Process rerun = gf().env("GF_DAEMON", "0").start(repo, log, idleMap);
      try {
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.readString(log).contains("resuming batch") && System.nanoTime() < deadline) {
          GfDaemon.sleep(Duration.ofMillis(100));
        }
        assertThat(Files.readString(log)).contains("gf: resuming batch");
      } finally {
        rerun.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void ctrlCCancelsTheCommandInTheDaemon() throws Exception {
    Path socket = warmDaemon();
    Process p = startInTerminal("call", "Util.mean", "values:=[1]", "note=slow", "--url", url);
    assertThat(slowCallArrived.await(60, TimeUnit.SECONDS)).isTrue();
    // A slow call meanwhile does not hold up others.
    assertThat(gf().exec(repo, cmd("branch")).out()).isEqualTo("master\n");
    assertThat(number(status(socket), "(\\d+) running")).isEqualTo(1);
    pressCtrlC(p);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(130);
    // The request was aborted in the daemon well before the runtime's 20 s answer.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (number(status(socket), "(\\d+) running") > 0 && System.nanoTime() < deadline) {
      GfDaemon.sleep(Duration.ofMillis(50));
    }
    assertThat(number(status(socket), "(\\d+) running")).isZero();
  }

  @Test
  void aDaemonOfAnotherJarIsNeverAsked() throws Exception {
    Path old = warmDaemon();
    long oldServed = served(old);
    Files.setLastModifiedTime(
        jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000));
    Path fresh = warmDaemon(); // its first branch ran in a fresh gf, which started this daemon
    assertThat(fresh).isNotEqualTo(old);
    assertThat(gf().exec(repo, cmd("list")).exit()).isZero();
    assertThat(served(old)).isEqualTo(oldServed);
    assertThat(served(fresh)).isGreaterThanOrEqualTo(1);
    DaemonClient.request(old, DaemonFrames.STOP, "");
  }

  @Test
  void aKilledDaemonIsReplaced() throws Exception {
    Path socket = warmDaemon();
    long pid = number(status(socket), "pid (\\d+)");
    new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
    assertThat(socket).exists(); // stale: nobody listens
    GfProcess.Result r = gf().exec(repo, cmd("list"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Util.mean");
    Path again = warmDaemon();
    assertThat(number(status(again), "pid (\\d+)")).isNotEqualTo(pid);
  }

  @Test
  void anIdleDaemonExits() throws Exception {
    Path dir = tmp.resolve("idle");
    GfProcess idle = gf().env("GF_DAEMON_DIR", dir.toString()).env("GF_DAEMON_IDLE", "2");
    assertThat(idle.exec(repo, cmd("branch")).out()).isEqualTo("master\n");
    Path socket = waitForSocket(dir);
    long pid = number(status(socket), "pid (\\d+)");
    assertThat(idle.exec(repo, cmd("branch")).out()).isEqualTo("master\n");
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    assertThat(ProcessHandle.of(pid)).isEmpty();
    assertThat(socket).doesNotExist();
    assertThat(Files.readString(DaemonPaths.log(socket))).contains("idle for PT2S, exiting");
  }

  /**
   * Another user reaching the socket (folder and socket opened up on purpose, as a careless chmod
   * would) gets not a word: the daemon checks the peer's credentials. Needs root to be another
   * user.
   */
  @Test
  void anotherUserIsRefusedByPeerCredentials() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(
        "root".equals(System.getProperty("user.name"))
            && Files.isExecutable(Path.of("/usr/bin/setpriv"))
            && Files.isExecutable(python),
        "needs root, setpriv and /usr/bin/python3 to connect as nobody");
    Path open = Files.createTempDirectory(Path.of("/tmp"), "gf-peer-");
    Path dir = open.resolve("d");
    try {
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx--x--x"));
      GfProcess owner = gf().env("GF_DAEMON_DIR", dir.toString()).env("GF_DAEMON_IDLE", "30");
      assertThat(owner.exec(repo, cmd("branch")).out()).isEqualTo("master\n");
      Path socket = waitForSocket(dir);
      Path client = open.resolve("gf_client.py");
      Files.copy(launcher.getParent().getParent().resolve("scripts/gf_client.py"), client);
      Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
      long before = served(socket);
      GfProcess.Result nobody =
          owner.exec(
              Path.of("/tmp"),
              List.of(
                  "setpriv",
                  "--reuid=65534",
                  "--regid=65534",
                  "--clear-groups",
                  python.toString(),
                  "-I",
                  "-S",
                  client.toString(),
                  socket.toString(),
                  "branch"));
      assertThat(nobody.exit()).as(nobody.toString()).isEqualTo(253); // no answer: run fresh
      assertThat(nobody.out()).isEmpty();
      assertThat(served(socket)).isEqualTo(before);
      DaemonClient.request(socket, DaemonFrames.STOP, "");
    } finally {
      new ProcessBuilder("rm", "-rf", open.toString()).start().waitFor();
    }
  }

  static Path waitForSocket(Path dir) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (Path s : DaemonPaths.sockets(dir)) {
        if (status(s) != null) {
          return s;
        }
      }
      GfDaemon.sleep(Duration.ofMillis(100));
    }
    throw new AssertionError("no daemon answered in " + dir);
  }

  @Test
  void gfDaemonStatusAndStop() {
    Path socket = warmDaemon();
    GfProcess.Result status = gf().exec(repo, cmd("daemon", "status"));
    assertThat(status.out()).contains("socket " + socket).contains("exits after PT2M idle");
    assertThat(gf().exec(repo, cmd("daemon", "stop")).out()).contains("stopped " + socket);
    assertThat(gf().exec(repo, cmd("daemon")).out()).startsWith("no gf daemon running");
    assertThat(gf().exec(repo, cmd("daemon", "restart")).exit()).isEqualTo(2);
  }
}
