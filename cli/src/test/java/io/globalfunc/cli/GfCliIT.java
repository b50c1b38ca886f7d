package io.globalfunc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.sun.net.httpserver.HttpServer;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.globalfunc.core.library.ScanRules;
import io.globalfunc.core.testing.RedisServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.bson.Document;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.MergeResult;
import org.eclipse.jgit.lib.RepositoryState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end: the packaged gf run as a process against real Git repositories, a real Python, the
 * embedded catalog, a MongoDB wire-protocol server, a real redis-server and real HTTP.
 */
class GfCliIT {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path repo;
  Git git;
  GfProcess gf;

  @BeforeEach
  void setUp() throws Exception {
    repo = tmp.resolve("GlobalFunc");
    copy(examples(), repo);
    git = Git.init().setDirectory(repo.toFile()).setInitialBranch("master").call();
    commitAll("examples");
    gf = new GfProcess(tmp.resolve("home"));
  }

  static Path examples() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("examples/functions"))) {
      p = p.getParent();
    }
    return p.resolve("examples/functions");
  }

  /** The example library copied to {@code dir} and committed there on master. */
  static void examplesRepo(Path dir) throws Exception {
    copy(examples(), dir);
    try (Git g = Git.init().setDirectory(dir.toFile()).setInitialBranch("master").call()) {
      g.add().addFilepattern(".").call();
      g.commit().setMessage("x").setAuthor("T", "t@x").setCommitter("T", "t@x").call();
    }
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path src : (Iterable<Path>) walk::iterator) {
        Path dst = to.resolve(from.relativize(src).toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(dst);
        } else if (!src.getFileName().toString().equals(".gf-library")) {
          Files.copy(src, dst);
        }
      }
    }
  }

  String commitAll(String message) throws Exception {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    return git.commit()
        .setMessage(message)
        .setAuthor("T", "t@example.com")
        .setCommitter("T", "t@example.com")
        .call()
        .getId()
        .name();
  }

  static void assertOneLineFailure(GfProcess.Result r, int exit, String contains) {
    assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
    assertThat(r.err().lines().filter(l -> l.startsWith("gf: ")).toList())
        .as(r.toString())
        .singleElement()
        .asString()
        .contains(contains);
  }

  @Test
  void fiveMinuteTourOnTheEmbeddedCatalog() throws Exception {
    GfProcess.Result save = gf.run(repo, "save", "--all");
    assertThat(save.exit()).as(save.toString()).isZero();
    assertThat(save.out()).contains("saved 6 functions and 1 other file of master");
    assertThat(tmp.resolve("home/catalog.mv.db")).isRegularFile();

    GfProcess.Result search = gf.run(repo.resolve("Base"), "search", "时间戳");
    assertThat(search.exit()).as(search.toString()).isZero();
    assertThat(search.out().lines().findFirst().orElseThrow()).contains("Base.inverse_time_str");

    GfProcess.Result mean = gf.run(repo, "search", "mean", "average", "--json");
    JsonNode hits = JSON.readTree(mean.out());
    assertThat(hits.get(0).get("name").asText()).isEqualTo("Util.mean");

    Path out = tmp.resolve("elsewhere");
    GfProcess.Result gen = gf.run(repo, "gen", "Base.inverse_time_str", "--to", out.toString());
    assertThat(gen.exit()).as(gen.toString()).isZero();
    assertThat(Files.readAllBytes(out.resolve("Base/inverse_time_str.py")))
        .isEqualTo(Files.readAllBytes(repo.resolve("Base/inverse_time_str.py")));
    assertThat(Files.readString(out.resolve("Base/__init__.py")))
        .isEqualTo("from .inverse_time_str import inverse_time_str\n");

    GfProcess.Result call =
        gf.run(
            repo,
            "call",
            "Base.inverse_time_str",
            "time_str=2024-02-15 11:11:11",
            "bias_hours=-8",
            "--local");
    assertThat(call.exit()).as(call.toString()).isZero();
    assertThat(call.out().strip()).isEqualTo("1707966671");

    GfProcess.Result list = gf.run(repo, "list", "Util", "--json");
    assertThat(JSON.readTree(list.out()).findValuesAsText("name"))
        .containsExactly("Util.clear_digits", "Util.mean");
  }

  @Test
  void otherFilesAreListedSearchableRegeneratedAndMarkedRemoved() throws Exception {
    Files.createDirectories(repo.resolve("debug_pys/sub"));
    byte[] notes = "# 笔记\r\nkaleidoscope settings\r\n".getBytes(StandardCharsets.UTF_8);
    Files.write(repo.resolve("Base/notes.md"), notes);
    Files.writeString(repo.resolve("debug_pys/sub/x.py"), "print('nested')\n");
    String first = commitAll("other files");
    GfProcess.Result save = gf.run(repo, "save", "--all", "--json");
    assertThat(save.exit()).as(save.toString()).isZero();
    assertThat(JSON.readTree(save.out()).get("files").asInt()).isEqualTo(3);

    GfProcess.Result list = gf.run(repo, "list");
    assertThat(list.exit()).as(list.toString()).isZero();
    assertThat(list.out().lines())
        .anySatisfy(l -> assertThat(l).startsWith("Base.notes.md").contains("not callable"))
        .anySatisfy(l -> assertThat(l).startsWith("debug_pys.sub.x.py").contains("not callable"))
        .anySatisfy(l -> assertThat(l).startsWith("remark.md").contains("not callable"));
    JsonNode rows = JSON.readTree(gf.run(repo, "list", "Base", "--json").out());
    assertThat(rows.findValuesAsText("name")).contains("Base.notes.md", "Base.inverse_time_str");

    GfProcess.Result search = gf.run(repo, "search", "kaleidoscope", "--json");
    JsonNode hit = JSON.readTree(search.out()).get(0);
    assertThat(hit.get("name").asText()).isEqualTo("Base.notes.md");
    assertThat(hit.get("callable").asBoolean()).isFalse();

    Path out = tmp.resolve("regen");
    GfProcess.Result gen = gf.run(repo, "gen", "Base.notes.md", "--to", out.toString());
    assertThat(gen.exit()).as(gen.toString()).isZero();
    assertThat(Files.readAllBytes(out.resolve("Base/notes.md"))).isEqualTo(notes);
    assertThat(gf.run(repo, "gen", "remark.md", "--to", out.toString()).exit()).isZero();
    assertThat(Files.readAllBytes(out.resolve("remark.md")))
        .isEqualTo(Files.readAllBytes(repo.resolve("remark.md")));
    assertThat(gf.run(repo, "gen", "debug_pys.sub.x.py", "--to", out.toString()).exit()).isZero();
    assertThat(out.resolve("debug_pys/sub/x.py")).hasContent("print('nested')");

    Files.delete(repo.resolve("Base/notes.md"));
    commitAll("drop notes");
    assertThat(gf.run(repo, "save", "--all").exit()).isZero();
    assertThat(gf.run(repo, "list").out().lines())
        .anySatisfy(l -> assertThat(l).startsWith("Base.notes.md").contains("removed in"));
    assertOneLineFailure(
        gf.run(repo, "gen", "Base.notes.md", "--to", tmp.resolve("x").toString()), 1, "removed");
    Path old = tmp.resolve("old");
    GfProcess.Result atFirst =
        gf.run(
            repo,
            "gen",
            "Base.notes.md",
            "--commit",
            first.substring(0, 7),
            "--to",
            old.toString());
    assertThat(atFirst.exit()).as(atFirst.toString()).isZero();
    assertThat(Files.readAllBytes(old.resolve("Base/notes.md"))).isEqualTo(notes);
  }

  @Test
  void againstMongoDbAndRedisServers() throws Exception {
    MongoServer mongo = new MongoServer(H2Backend.inMemory());
    String uri = mongo.bindAndGetConnectionString();
    try (RedisServer redis = RedisServer.start();
        MongoClient client = MongoClients.create(uri)) {
      gf.env("GF_MONGO_URI", uri).env("GF_REDIS_URI", redis.uri()).env("GF_SPACE", "sp_Test");
      GfProcess.Result save = gf.run(repo, "save", "--all", "--json");
      assertThat(save.exit()).as(save.toString()).isZero();
      JsonNode report = JSON.readTree(save.out());
      assertThat(report.get("saved").asInt()).isEqualTo(6);
      assertThat(report.get("space").asText()).isEqualTo("sp_Test");
      Document doc =
          client
              .getDatabase("sp_Test")
              .getCollection("Base_master")
              .find(new Document("_id", "inverse_time_str"))
              .first();
      assertThat(doc.get("meta", Document.class).getString("hash"))
          .isEqualTo(ScanRules.md5(Files.readAllBytes(repo.resolve("Base/inverse_time_str.py"))));

      GfProcess.Result describe = gf.run(repo, "describe", "Util.mean", "求平均 斑马");
      assertThat(describe.exit()).as(describe.toString()).isZero();
      GfProcess.Result shown = gf.run(repo, "describe", "Util.mean", "--json");
      assertThat(shown.exit()).as(shown.toString()).isZero();
      JsonNode schema = new ObjectMapper().readTree(shown.out()).get("schema");
      assertThat(schema.at("/input/properties/values/anyOf/0/type").asText()).isEqualTo("array");
      assertThat(schema.at("/output/type").asText()).isEqualTo("number");
      assertThat(new ObjectMapper().readTree(shown.out()).get("description").asText())
          .isEqualTo("求平均 斑马");
      GfProcess.Result search = gf.run(repo, "search", "斑马");
      assertThat(search.out()).contains("Util.mean");

      Path out = tmp.resolve("gen");
      assertThat(gf.run(repo, "gen", "Util.mean", "--to", out.toString()).exit()).isZero();
      try (var socket = new java.net.Socket("127.0.0.1", redis.port())) {
        socket.getOutputStream().write("EXISTS sp_Test.Util_master.mean\r\n".getBytes());
        byte[] buf = new byte[16];
        int n = socket.getInputStream().read(buf);
        assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith(":1");
      }
      assertThat(Files.readAllBytes(out.resolve("Util/mean.py")))
          .isEqualTo(Files.readAllBytes(repo.resolve("Util/mean.py")));

      // Redis down: reads and saves still work, with a warning.
      redis.stop();
      Files.writeString(repo.resolve("Util/mean.py"), "def mean(values):\n    return 1\n");
      commitAll("new mean");
      GfProcess.Result again = gf.run(repo, "save", "--all");
      assertThat(again.exit()).as(again.toString()).isZero();
      assertThat(again.err()).contains("warning: Redis at redis://127.0.0.1");
      assertThat(gf.run(repo, "gen", "Util.mean", "--to", out.toString()).exit()).isZero();
      assertThat(Files.readString(out.resolve("Util/mean.py"))).contains("return 1");
    } finally {
      mongo.shutdownNow();
    }
  }

  @Test
  void unreachableMongoIsOneRedactedLineAndARerunCompletes() {
    int port = RedisServer.freePort();
    GfProcess down = new GfProcess(tmp.resolve("home"));
    down.env(
        "GF_MONGO_URI",
        "mongodb://admin:hunter2@127.0.0.1:" + port + "/?serverSelectionTimeoutMS=500");
    GfProcess.Result r = down.run(repo, "save", "--all");
    assertOneLineFailure(r, 1, "MongoDB at mongodb://***@127.0.0.1:" + port);
    assertThat(r.out() + r.err()).doesNotContain("hunter2");

    MongoServer mongo = new MongoServer(H2Backend.inMemory());
    try {
      GfProcess up = new GfProcess(tmp.resolve("home"));
      up.env("GF_MONGO_URI", mongo.bindAndGetConnectionString());
      assertThat(up.run(repo, "save", "--all").exit()).isZero();
      assertThat(up.run(repo, "list").out()).contains("Util.mean");
    } finally {
      mongo.shutdownNow();
    }
  }

  @Test
  void unknownNamesAreOneLineFailures() {
    assertThat(gf.run(repo, "save", "--all").exit()).isZero();
    assertOneLineFailure(
        gf.run(repo, "gen", "Base.nope", "--to", tmp.toString()),
        1,
        "Base.nope is not in the catalog");
    assertOneLineFailure(
        gf.run(repo, "save", "Base.nope"), 1, "Base.nope is not in the committed tree");
    assertOneLineFailure(
        gf.run(repo, "describe", "Util.nope", "text"), 1, "Util.nope is not in the catalog");
    assertOneLineFailure(gf.run(repo, "call", "Base.nope", "--local"), 1, "no Base/nope.py");
    assertOneLineFailure(
        gf.run(repo, "gen", "no_dots", "--to", tmp.toString()), 1, "not a function name");
    assertOneLineFailure(gf.run(repo, "init", "Nope"), 1, "no package folder Nope");
    GfProcess.Result raised = gf.run(repo, "call", "Util.mean", "values=[]", "--local");
    assertOneLineFailure(raised, 1, "Util.mean: raised: ValueError: mean of an empty list");
    GfProcess.Result badArgs = gf.run(repo, "call", "Util.mean", "nope=1", "--local");
    assertOneLineFailure(badArgs, 1, "Util.mean: bad arguments");
  }

  @Test
  void malformedArgumentsAreUsageErrors() {
    assertOneLineFailure(
        gf.run(repo, "call", "Base.inverse_time_str", "time_str"),
        2,
        "malformed argument 'time_str'");
    assertOneLineFailure(
        gf.run(repo, "call", "Base.inverse_time_str", "=3"), 2, "malformed argument");
    assertOneLineFailure(
        gf.run(repo, "call", "Base.inverse_time_str", "a=1", "a=2"), 2, "given twice");
    assertOneLineFailure(gf.run(repo, "call", "Base", "a=1"), 2, "not a function name");
    assertOneLineFailure(gf.run(repo, "save"), 2, "give either NAME... or --all");
    assertOneLineFailure(gf.run(repo, "frobnicate"), 2, "Unmatched argument");
    assertOneLineFailure(gf.run(repo, "search", "x", "--limit", "0"), 2, "--limit");
    assertThat(gf.run(repo).exit()).isEqualTo(2);
  }

  @Test
  void aFolderThatIsNotALibrary() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    assertOneLineFailure(gf.run(plain, "save", "--all"), 1, "not inside a function library");
    assertOneLineFailure(gf.run(plain, "scan"), 1, "not inside a function library");
    Path empty = tmp.resolve("empty");
    try (Git g = Git.init().setDirectory(empty.toFile()).call()) {
      Files.writeString(empty.resolve("README.md"), "hi\n");
      g.add().addFilepattern(".").call();
      g.commit().setMessage("x").setAuthor("T", "t@e").setCommitter("T", "t@e").call();
    }
    assertOneLineFailure(gf.run(empty, "save", "--all"), 1, "not a function library");
  }

  @Test
  void scanInitAndBranchWorkFromASubfolder() throws Exception {
    GfProcess.Result scan = gf.run(repo.resolve("Util"), "scan", "--json");
    assertThat(scan.exit()).as(scan.toString()).isZero();
    JsonNode files = JSON.readTree(scan.out());
    assertThat(files.get("Base.inverse_time_str.py").get("meta").get("hash").asText())
        .isEqualTo(ScanRules.md5(Files.readAllBytes(repo.resolve("Base/inverse_time_str.py"))));
    assertThat(files.has("remark.md")).isTrue();
    assertThat(files.has("Base.__init__.py")).isFalse();

    Files.writeString(
        repo.resolve("Util/median.py"), "def median(xs):\n    return sorted(xs)[len(xs) // 2]\n");
    GfProcess.Result init = gf.run(repo.resolve("Util"), "init", "Util");
    assertThat(init.exit()).as(init.toString()).isZero();
    assertThat(Files.readString(repo.resolve("Util/__init__.py")))
        .isEqualTo(
            "from .clear_digits import clear_digits\nfrom .mean import mean\nfrom .median import median\n");
    assertThat(gf.run(repo.resolve("Util"), "branch").out().strip()).isEqualTo("master");
  }

  @Test
  void commitStampsTheMessageAndPushesToABareRemote() throws Exception {
    Path remote = tmp.resolve("remote.git");
    Git.init()
        .setBare(true)
        .setDirectory(remote.toFile())
        .setInitialBranch("master")
        .call()
        .close();
    git.remoteAdd()
        .setName("origin")
        .setUri(new org.eclipse.jgit.transport.URIish(remote.toUri().toString()))
        .call();
    Files.writeString(
        repo.resolve("Util/median.py"), "def median(xs):\n    return sorted(xs)[len(xs) // 2]\n");
    GfProcess.Result commit = gf.run(repo, "commit", "-m", "add median", "--push");
    assertThat(commit.exit()).as(commit.toString()).isZero();
    assertThat(commit.out())
        .containsPattern(
            "committed [0-9a-f]{7} on master: add median \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    try (Git bare = Git.open(remote.toFile())) {
      var head = bare.log().call().iterator().next();
      assertThat(head.getFullMessage()).startsWith("add median 20");
      assertThat(head.getId()).isEqualTo(git.getRepository().resolve("HEAD"));
    }
    assertThat(gf.run(repo, "commit", "-m", "again").out()).contains("nothing to commit on master");
  }

  @Test
  void aRejectedPushKeepsTheCommitAndARerunAfterMergingPushes() throws Exception {
    Path remote = tmp.resolve("remote.git");
    Git.init()
        .setBare(true)
        .setDirectory(remote.toFile())
        .setInitialBranch("master")
        .call()
        .close();
    git.remoteAdd()
        .setName("origin")
        .setUri(new org.eclipse.jgit.transport.URIish(remote.toUri().toString()))
        .call();
    git.push().setRemote("origin").add("master").call();
    // Someone else pushes first.
    Path other = tmp.resolve("other");
    try (Git o =
        Git.cloneRepository()
            .setURI(remote.toUri().toString())
            .setDirectory(other.toFile())
            .call()) {
      Files.writeString(other.resolve("remark.md"), "changed elsewhere\n");
      o.add().addFilepattern(".").call();
      o.commit().setMessage("other").setAuthor("O", "o@e").setCommitter("O", "o@e").call();
      o.push().call();
    }
    Files.writeString(
        repo.resolve("Util/median.py"), "def median(xs):\n    return sorted(xs)[len(xs) // 2]\n");
    GfProcess.Result rejected = gf.run(repo, "commit", "-m", "mine", "--push");
    assertOneLineFailure(rejected, 1, "rejected");
    assertThat(rejected.err()).contains("the commit stays local");
    assertThat(git.log().call().iterator().next().getFullMessage()).startsWith("mine ");
    assertThat(git.status().call().isClean()).isTrue();

    git.pull().setRemote("origin").setRemoteBranchName("master").call();
    GfProcess.Result rerun = gf.run(repo, "commit", "-m", "mine", "--push");
    assertThat(rerun.exit()).as(rerun.toString()).isZero();
    assertThat(rerun.out()).contains("nothing to commit").contains("pushed master to origin");
  }

  @Test
  void detachedOrConflictedTreesAreRefusedForCommit() throws Exception {
    String first = git.getRepository().resolve("HEAD").name();
    Files.writeString(repo.resolve("remark.md"), "master side\n");
    commitAll("master change");
    git.checkout().setCreateBranch(true).setName("side").setStartPoint(first).call();
    Files.writeString(repo.resolve("remark.md"), "side side\n");
    commitAll("side change");
    git.checkout().setName("master").call();
    MergeResult merge = git.merge().include(git.getRepository().resolve("side")).call();
    assertThat(merge.getMergeStatus()).isEqualTo(MergeResult.MergeStatus.CONFLICTING);
    assertThat(git.getRepository().getRepositoryState()).isEqualTo(RepositoryState.MERGING);
    assertOneLineFailure(gf.run(repo, "commit", "-m", "x"), 1, "unresolved conflicts in remark.md");
    assertThat(git.getRepository().getRepositoryState()).isEqualTo(RepositoryState.MERGING);

    git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).call();
    git.checkout().setName(first).call();
    assertOneLineFailure(
        gf.run(repo, "commit", "-m", "x"), 1, "HEAD is detached at " + first.substring(0, 7));
    assertOneLineFailure(gf.run(repo, "save", "--all"), 1, "HEAD is detached");
  }

  @Test
  void callPostsToARuntimeAndReportsProblems() throws Exception {
    AtomicReference<JsonNode> received = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/gfgo/",
        ex -> {
          JsonNode body = JSON.readTree(ex.getRequestBody());
          received.set(body);
          boolean ok = body.get("pack_func").asText().equals("Base.inverse_time_str");
          byte[] answer =
              (ok
                      ? "1707966671"
                      : "{\"type\":\"https://globalfunc.io/problems/unknown-function\","
                          + "\"title\":\"Unknown function\",\"detail\":\"no function Base.nope\"}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders()
              .add("Content-Type", ok ? "application/json" : "application/problem+json");
          ex.sendResponseHeaders(ok ? 200 : 404, answer.length);
          try (OutputStream os = ex.getResponseBody()) {
            os.write(answer);
          }
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    try {
      GfProcess.Result ok =
          gf.run(
              tmp,
              "call",
              "Base.inverse_time_str",
              "time_str=2024-02-15 11:11:11",
              "bias_hours=-8",
              "flags={\"a\": [1, true]}",
              "--url",
              url);
      assertThat(ok.exit()).as(ok.toString()).isZero();
      assertThat(ok.out().strip()).isEqualTo("1707966671");
      JsonNode kwargs = received.get().get("kwargs");
      assertThat(kwargs.get("time_str").isTextual()).isTrue();
      assertThat(kwargs.get("bias_hours").isInt()).isTrue();
      assertThat(kwargs.get("bias_hours").asInt()).isEqualTo(-8);
      assertThat(kwargs.get("flags").get("a").get(1).asBoolean()).isTrue();

      assertOneLineFailure(
          gf.run(tmp, "call", "Base.nope", "--url", url),
          1,
          "Base.nope: Unknown function: no function Base.nope");
    } finally {
      server.stop(0);
    }
    assertOneLineFailure(
        gf.run(tmp, "call", "Base.nope", "--url", url), 1, "cannot reach the runtime");
  }

  @Test
  void saveAllDrawsProgressAndSavesSingleFunctionsToo() throws Exception {
    GfProcess.Result all = gf.env("GF_PROGRESS", "1").run(repo, "save", "--all");
    assertThat(all.exit()).as(all.toString()).isZero();
    assertThat(all.err())
        .contains("saving [##############################] 7/7"); // 6 functions, remark.md
    Files.writeString(repo.resolve("Util/mean.py"), "def mean(values):\n    return 0\n");
    GfProcess.Result one = gf.run(repo, "save", "Util.mean.py");
    assertThat(one.exit()).as(one.toString()).isZero();
    assertThat(one.err())
        .contains("note: Util/mean.py has uncommitted changes; saved the committed version");
    assertThat(one.out()).contains("saved 1 function of master");
  }

  @Test
  void serveStartsTheRuntimeAndCallReachesIt() throws Exception {
    Path project = GfProcess.jar().getParent().getParent().getParent();
    Path runtimeJar = project.resolve("runtime-image/target/quarkus-app/quarkus-run.jar");
    // The reactor packages runtime-image before cli; a lone `-pl cli` build has no runtime.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isRegularFile(runtimeJar), "runtime-image not built");
    int port = RedisServer.freePort();
    Path log = tmp.resolve("serve.log");
    Process serve =
        gf.env("GF_PROJECT_ROOT", project.toString())
            .start(repo, log, "serve", repo.toString(), "--port", Integer.toString(port));
    try {
      var http = java.net.http.HttpClient.newHttpClient();
      var ready =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
              .build();
      boolean up = false;
      for (int i = 0; i < 600 && !up && serve.isAlive(); i++) {
        try {
          up =
              http.send(ready, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode()
                  == 200;
        } catch (IOException notYet) {
          Thread.sleep(200);
        }
      }
      assertThat(up).as(Files.readString(log)).isTrue();
      // A development server is reachable from this machine only.
      assertThat(Files.readString(log)).contains("Listening on: http://127.0.0.1:" + port);
      GfProcess.Result call =
          gf.run(
              tmp,
              "call",
              "Base.inverse_time_str",
              "time_str=2024-02-15 11:11:11",
              "bias_hours=-8",
              "--url",
              "http://127.0.0.1:" + port);
      assertThat(call.exit()).as(call.toString()).isZero();
      assertThat(call.out().strip()).isEqualTo("1707966671");
      assertOneLineFailure(
          gf.run(tmp, "call", "Util.mean", "values=[]", "--url", "http://127.0.0.1:" + port),
          1,
          "Util.mean: ");
    } finally {
      serve.descendants().forEach(ProcessHandle::destroy);
      serve.destroy();
      serve.waitFor();
    }
  }

  @Test
  void serveNeedsAFolder() {
    assertOneLineFailure(gf.run(repo, "serve", "no/such/dir"), 1, "not a folder");
    assertOneLineFailure(gf.run(repo, "serve", ".", "--port", "0"), 2, "--port");
  }

  @Test
  void theLauncherRunsFromAnyFolderInsideTheRepository() {
    Path launcher = GfProcess.jar().getParent().getParent().getParent().resolve("bin/gf");
    GfProcess.Result r =
        gf.exec(repo.resolve("Base"), List.of(launcher.toString(), "branch", "--json"));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"branch\" : \"master\"");
  }

  @Test
  void twoGfAtOnceTakeTurnsOnTheEmbeddedCatalog() throws Exception {
    assertThat(gf.run(repo, "save", "--all").exit()).isZero();
    Path file = tmp.resolve("home/catalog.mv.db");
    // Another process holding the catalog (here: this test) for a moment.
    H2Backend holder = new H2Backend(file.toString());
    java.util.concurrent.CompletableFuture<GfProcess.Result> list =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> gf.run(repo, "list"));
    Thread.sleep(1500);
    holder.close();
    GfProcess.Result waited = list.get();
    assertThat(waited.exit()).as(waited.toString()).isZero();
    assertThat(waited.out()).contains("Util.mean");

    List<java.util.concurrent.CompletableFuture<GfProcess.Result>> many =
        Stream.of("list", "search")
            .map(
                cmd ->
                    java.util.concurrent.CompletableFuture.supplyAsync(
                        () ->
                            cmd.equals("list") ? gf.run(repo, "list") : gf.run(repo, cmd, "mean")))
            .toList();
    for (var r : many) {
      assertThat(r.get().exit()).as(r.get().toString()).isZero();
    }
  }

  @Test
  void saveAllNamesWhatItDidNotTakeFromTheWorkingTree() throws Exception {
    Files.createDirectories(repo.resolve("Text"));
    Files.writeString(repo.resolve("Text/slugify.py"), "def slugify(s):\n    return s\n");
    Files.writeString(repo.resolve("Util/mean.py"), "def mean(values):\n    return 0\n");
    GfProcess.Result r = gf.run(repo, "save", "--all");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err())
        .contains("note: Text/slugify.py is untracked: not saved")
        .contains("note: Util/mean.py has uncommitted changes; saved the committed version");
    assertThat(r.out()).contains("saved 6 functions");
  }

  @Test
  void aSecondRepositoryIsRefusedFromASpaceThatBelongsToAnother() throws Exception {
    assertThat(gf.run(repo, "save", "--all").exit()).isZero();
    Path other = tmp.resolve("Other");
    Files.createDirectories(other.resolve("Util"));
    Files.writeString(other.resolve("Util/mean.py"), "def mean(values):\n    return -1\n");
    try (Git g = Git.init().setDirectory(other.toFile()).setInitialBranch("master").call()) {
      g.add().addFilepattern(".").call();
      g.commit().setMessage("other").setAuthor("T", "t@e").setCommitter("T", "t@e").call();
    }
    GfProcess.Result refused = gf.run(other, "save", "--all");
    assertOneLineFailure(refused, 1, "space sp_GlobalFunc belongs to another repository");
    assertThat(refused.err()).contains("GF_SPACE=sp_GlobalFunc_");
    GfProcess.Result list = gf.run(repo, "list", "--json");
    JsonNode rows = JSON.readTree(list.out());
    assertThat(rows.findValues("removed")).allMatch(r -> !r.asBoolean());
    assertThat(rows.findValuesAsText("name")).contains("Base.inverse_time_str", "Util.mean");
    // Its own space takes it; the first repository keeps saving into its space.
    GfProcess.Result own = gf.env("GF_SPACE", "sp_Other").run(other, "save", "--all");
    assertThat(own.exit()).as(own.toString()).isZero();
    assertThat(new GfProcess(tmp.resolve("home")).run(repo, "save", "--all").exit()).isZero();
  }

  @Test
  void genBringsThePackagesHelperModulesAtTheSameCommit() throws Exception {
    Files.createDirectories(repo.resolve("Text"));
    Files.writeString(
        repo.resolve("Text/_util.py"), "def slug(s):\n    return s.lower().replace(' ', '-')\n");
    // A helper of any name (it defines no function of its own name) and a sibling function.
    Files.writeString(repo.resolve("Text/common.py"), "SEP = '-'\n");
    Files.writeString(
        repo.resolve("Text/lower.py"),
        "from .common import SEP\n\n\ndef lower(s):\n    return s.lower().replace(' ', SEP)\n");
    Files.writeString(
        repo.resolve("Text/slugify.py"),
        "from ._util import slug\nfrom Text.lower import lower\n\n\n"
            + "def slugify(text):\n    return lower(slug(text))\n");
    String first = commitAll("text");
    assertThat(gf.run(repo, "save", "--all").exit()).isZero();
    Files.writeString(repo.resolve("Text/_util.py"), "def slug(s):\n    return s.upper()\n");
    commitAll("louder");
    assertThat(gf.run(repo, "save", "--all").exit()).isZero();

    Path out = tmp.resolve("regen");
    GfProcess.Result gen = gf.run(repo, "gen", "Text.slugify", "--to", out.toString());
    assertThat(gen.exit()).as(gen.toString()).isZero();
    assertThat(gen.out()).contains("Text/_util.py", "Text/lower.py", "Text/common.py");
    assertThat(Files.readString(out.resolve("Text/_util.py"))).contains("s.lower()");
    Process py =
        new ProcessBuilder(
                System.getProperty("gf.python", "python3"),
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]);"
                    + " from Text.slugify import slugify; print(slugify('A B'))",
                out.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
        .isEqualTo("a-b");
    assertThat(first).isNotBlank();
  }
}
