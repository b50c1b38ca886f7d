package io.globalfunc.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.globalfunc.core.catalog.search.CatalogIndex;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.ScanRules;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.testing.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bson.Document;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog against a MongoDB wire-protocol server (real driver), a real redis-server and real
 * Git repositories.
 */
class CatalogIT {

  static RedisServer redis;
  MongoServer mongo;
  String mongoUri;
  @TempDir Path tmp;
  TestLibraryRepo repo;
  Catalog catalog;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void setUp() {
    mongo = new MongoServer(H2Backend.inMemory());
    mongoUri = mongo.bindAndGetConnectionString();
    repo = TestLibraryRepo.create(tmp.resolve("lib"), "master");
    catalog = Catalog.connect(config());
  }

  CatalogConfig config() {
    return new CatalogConfig(
        mongoUri, redis.uri(), "sp_GlobalFunc", tmp.resolve("home"), Duration.ofSeconds(2));
  }

  @AfterEach
  void tearDown() {
    catalog.close();
    repo.close();
    mongo.shutdownNow();
  }

  SaveReport saveHead() {
    Library lib = repo.read("master");
    return catalog.saveRelease(repo.claim(), lib, TestLibraryRepo.introspect(lib));
  }

  static FunctionName name(String pkg, String fn) {
    return FunctionName.of("sp_GlobalFunc", pkg, "master", fn);
  }

  @Test
  void aFunctionSavedBeforeSchemasExistedGetsItsSchemaOnTheNextSaveAndKeepsItsCommit() {
    SaveReport first = saveHead();
    try (MongoClient client = MongoClients.create(mongoUri)) {
      var base = client.getDatabase("sp_GlobalFunc").getCollection("Base_master");
      base.updateOne(new Document("_id", "inverse_time_str"), Updates.unset("schema"));
      assertThat(catalog.require(name("Base", "inverse_time_str")).schema()).isNull();
      SaveReport again = saveHead(); // the same commit, the same content
      assertThat(again.changed()).isZero();
      Document d = base.find(new Document("_id", "inverse_time_str")).first();
      assertThat(d.getString("schema")).contains("\"time_str\"");
      assertThat(d.getString("commit")).isEqualTo(first.commit());
      assertThat(
              catalog.require(name("Base", "inverse_time_str")).schema().at("/input/type").asText())
          .as("read back, past the Redis cache")
          .isEqualTo("object");
    }
  }

  @Test
  void savesDocumentsUnderThreeTierNamesWithTheDocumentedShape() {
    SaveReport report = saveHead();
    assertThat(report.saved()).isEqualTo(6);
    assertThat(report.changed()).isEqualTo(7); // 6 functions and remark.md
    assertThat(report.files()).isEqualTo(1); // remark.md
    try (MongoClient client = MongoClients.create(mongoUri)) {
      Document d =
          client
              .getDatabase("sp_GlobalFunc")
              .getCollection("Base_master")
              .find(new Document("_id", "inverse_time_str"))
              .first();
      assertThat(d).isNotNull();
      assertThat(d.getString("commit")).isEqualTo(report.commit());
      assertThat(d.getString("path")).isEqualTo("Base/inverse_time_str.py");
      Document meta = d.get("meta", Document.class);
      assertThat(meta.getString("name")).isEqualTo("inverse_time_str.py");
      assertThat(meta.getString("hash"))
          .isEqualTo(ScanRules.md5(d.getString("data").getBytes(StandardCharsets.UTF_8)));
      assertThat(d.getString("doc")).contains("时间戳");
      List<Document> params =
          d.get("signature", Document.class).getList("parameters", Document.class);
      assertThat(params)
          .extracting(p -> p.getString("name"))
          .containsExactly("time_str", "bias_hours");
      assertThat(params.get(1).getString("default")).isEqualTo("0");
      assertThat(d.getBoolean("callable")).isTrue();
      assertThat(d.get("created_at")).isNotNull();
      // The schema derived from the code is stored with the function and read back as JSON.
      assertThat(d.getString("schema")).contains("\"time_str\"");
      var schema = catalog.require(name("Base", "inverse_time_str")).schema();
      assertThat(schema.at("/input/$schema").asText())
          .isEqualTo("https://json-schema.org/draft/2020-12/schema");
      assertThat(schema.at("/input/properties/bias_hours/default").asInt()).isZero();
      assertThat(schema.at("/input/additionalProperties").asBoolean()).isFalse();
      assertThat(client.getDatabase("sp_GlobalFunc").getCollection("文本_master").countDocuments())
          .isEqualTo(1);
    }
  }

  @Test
  void aSaveFromAnotherRepositoryIsRefusedAndLeavesTheSpaceAsItWas() throws Exception {
    String first = saveHead().commit();
    Path dir = tmp.resolve("other");
    try (Git other = Git.init().setDirectory(dir.toFile()).setInitialBranch("master").call()) {
      Files.createDirectories(dir.resolve("Util"));
      Files.writeString(dir.resolve("Util/mean.py"), "def mean(values):\n    return -1\n");
      other.add().addFilepattern(".").call();
      other
          .commit()
          .setMessage("another library")
          .setAuthor("O", "o@e")
          .setCommitter("O", "o@e")
          .call();
      GitLibraryReader reader = new GitLibraryReader();
      GitLibraryReader.Resolved resolved = reader.resolveLocal(dir, "master", null);
      Library lib = reader.read(resolved, dir.toString());
      String root = reader.rootCommit(resolved);
      assertThat(root).isEqualTo(resolved.commit()); // its only commit is its root
      RepositoryClaim claim = new RepositoryClaim(root, dir.toString());
      assertThatThrownBy(() -> catalog.saveRelease(claim, lib, TestLibraryRepo.introspect(lib)))
          .isInstanceOfSatisfying(
              RepositoryClaim.Refused.class,
              e -> {
                assertThat(e.reason()).isEqualTo(CatalogException.Reason.CONFLICT);
                assertThat(e.conflict())
                    .startsWith("space sp_GlobalFunc belongs to another repository (root commit ")
                    .contains("this one is root commit " + root.substring(0, 7));
                assertThat(e.ownSpace()).isEqualTo("sp_GlobalFunc_" + root.substring(0, 7));
              });
      assertThatThrownBy(
              () ->
                  catalog.saveFunctions(
                      claim,
                      lib,
                      TestLibraryRepo.introspect(lib),
                      List.of(new FunctionRef("Util", "mean"))))
          .isInstanceOf(RepositoryClaim.Refused.class);
    }
    CatalogEntry mean = catalog.require(name("Util", "mean"));
    assertThat(mean.commit()).isEqualTo(first);
    assertThat(catalog.list("master", null)).noneMatch(CatalogEntry::removed).hasSize(6);
    // The first repository keeps saving into its space.
    assertThat(saveHead().saved()).isEqualTo(6);
  }

  @Test
  void savingTwiceIsIdempotentAndKeepsDescriptions() {
    saveHead();
    catalog.describe(name("Util", "mean"), "平均数 helper");
    SaveReport again = saveHead();
    assertThat(again.saved()).isEqualTo(6);
    assertThat(again.changed()).isZero();
    assertThat(again.removed()).isZero();
    assertThat(catalog.list("master", null)).hasSize(6);
    assertThat(catalog.require(name("Util", "mean")).description()).isEqualTo("平均数 helper");
  }

  @Test
  void functionsThatLeaveTheBranchAreMarkedRemovedAndOldCommitsRegenerate() throws IOException {
    String first = saveHead().commit();
    repo.delete("Util/clear_digits.py");
    String second = repo.commitAll("drop clear_digits");
    SaveReport report = saveHead();
    assertThat(report.commit()).isEqualTo(second);
    assertThat(report.removed()).isEqualTo(1);
    CatalogEntry gone = catalog.require(name("Util", "clear_digits"));
    assertThat(gone.removed()).isTrue();
    assertThat(gone.removedIn()).isEqualTo(second);
    assertThat(catalog.search("clear digits", 10, null))
        .extracting(CatalogIndex.Hit::display)
        .doesNotContain("Util.clear_digits");

    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> catalog.gen(name("Util", "clear_digits"), null, out))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("removed")
        .extracting(e -> ((CatalogException) e).reason())
        .isEqualTo(CatalogException.Reason.REMOVED);
    Catalog.GenReport gen = catalog.gen(name("Util", "clear_digits"), first.substring(0, 8), out);
    assertThat(gen.commit()).isEqualTo(first);
    assertThat(Files.readAllBytes(gen.file()))
        .isEqualTo(Files.readAllBytes(TestLibraryRepo.examples().resolve("Util/clear_digits.py")));
    assertThatThrownBy(() -> catalog.gen(name("Util", "clear_digits"), second, out))
        .hasMessageContaining("not saved at commit");
  }

  @Test
  void everyOtherScannedFileIsCataloguedListedSearchableAndRegenerable() throws Exception {
    repo.write("Base/notes.md", "# Base notes\nquaternion rotation helpers\n");
    repo.write("debug_pys/sub/x.py", "def x():\n    return 1\n");
    repo.write("Base/README", "readme without extension\n");
    byte[] crlf = "line one\r\nzebrafish\r\n".getBytes(StandardCharsets.UTF_8);
    repo.write("my-docs/guide.txt", crlf);
    String commit = repo.commitAll("other files");
    SaveReport report = saveHead();
    assertThat(report.saved()).isEqualTo(6);
    assertThat(report.files()).isEqualTo(5);

    try (MongoClient client = MongoClients.create(mongoUri)) {
      var db = client.getDatabase("sp_GlobalFunc");
      // Files of a package live in its tier 2 under their scan key; others space-level.
      Document notes =
          db.getCollection("Base_master").find(new Document("_id", "Base.notes.md")).first();
      assertThat(notes).isNotNull();
      assertThat(notes.getBoolean("file")).isTrue();
      assertThat(notes.getBoolean("callable")).isFalse();
      assertThat(notes.getString("path")).isEqualTo("Base/notes.md");
      assertThat(notes.getString("commit")).isEqualTo(commit);
      assertThat(notes.get("meta", Document.class).getInteger("line_count")).isEqualTo(2);
      assertThat(
              db.getCollection("debug_pys_master")
                  .find(new Document("_id", "debug_pys.sub.x.py"))
                  .first())
          .isNotNull();
      assertThat(db.getCollection("_files_master").find(new Document("_id", "remark.md")).first())
          .isNotNull();
      assertThat(
              db.getCollection("_files_master")
                  .find(new Document("_id", "my-docs.guide.txt"))
                  .first())
          .isNotNull();
    }

    // Functions are unchanged by their neighbours; files are listed apart and never callable.
    assertThat(catalog.list("master", null)).hasSize(6);
    assertThat(catalog.listFiles("master", null))
        .extracting(f -> f.name().key())
        .containsExactly(
            "Base.README", "Base.notes.md", "debug_pys.sub.x.py", "my-docs.guide.txt", "remark.md");
    assertThat(catalog.listFiles("master", "Base"))
        .extracting(f -> f.name().key())
        .containsExactly("Base.README", "Base.notes.md");
    assertThat(catalog.get(name("Base", "notes"))).isEmpty();

    assertThat(catalog.search("quaternion rotation", 5, null))
        .first()
        .satisfies(
            h -> {
              assertThat(h.display()).isEqualTo("Base.notes.md");
              assertThat(h.callable()).isFalse();
              assertThat(h.name()).isNull();
            });

    Path out = tmp.resolve("out");
    Catalog.FileGenReport g = catalog.genFile("master", "my-docs.guide.txt", null, out);
    assertThat(g.file()).isEqualTo(out.resolve("my-docs/guide.txt"));
    assertThat(Files.readAllBytes(g.file())).isEqualTo(crlf);
    catalog.genFile("master", "remark.md", null, out);
    assertThat(Files.readAllBytes(out.resolve("remark.md")))
        .isEqualTo(Files.readAllBytes(repo.dir.resolve("remark.md")));
    catalog.genFile("master", "Base.README", null, out);
    assertThat(out.resolve("Base/README")).hasContent("readme without extension");

    // Removal marking applies to files; older commits stay regenerable.
    repo.delete("Base/notes.md");
    repo.delete("debug_pys/sub/x.py"); // a whole home the new release no longer has
    repo.write("remark.md", "changed remark\n");
    String second = repo.commitAll("drop notes, change remark");
    SaveReport again = saveHead();
    assertThat(again.removed()).isEqualTo(2);
    assertThat(catalog.file("master", "debug_pys.sub.x.py").orElseThrow().removed()).isTrue();
    assertThat(again.changed()).isEqualTo(1);
    CatalogFile gone = catalog.file("master", "Base.notes.md").orElseThrow();
    assertThat(gone.removed()).isTrue();
    assertThat(gone.removedIn()).isEqualTo(second);
    assertThatThrownBy(() -> catalog.genFile("master", "Base.notes.md", null, out))
        .extracting(e -> ((CatalogException) e).reason())
        .isEqualTo(CatalogException.Reason.REMOVED);
    assertThat(catalog.search("quaternion", 5, null))
        .extracting(CatalogIndex.Hit::display)
        .doesNotContain("Base.notes.md");
    Path old = tmp.resolve("old");
    catalog.genFile("master", "Base.notes.md", commit.substring(0, 8), old);
    assertThat(old.resolve("Base/notes.md"))
        .hasContent("# Base notes\nquaternion rotation helpers");
    catalog.genFile("master", "remark.md", commit, old);
    assertThat(Files.readAllBytes(old.resolve("remark.md")))
        .isEqualTo(Files.readAllBytes(TestLibraryRepo.examples().resolve("remark.md")));
    catalog.genFile("master", "remark.md", null, out);
    assertThat(out.resolve("remark.md")).hasContent("changed remark");
    assertThatThrownBy(() -> catalog.genFile("master", "Base.notes.md", second, old))
        .hasMessageContaining("not saved at commit");
    assertThatThrownBy(() -> catalog.genFile("master", "nope.md", null, old))
        .extracting(e -> ((CatalogException) e).reason())
        .isEqualTo(CatalogException.Reason.NOT_FOUND);
  }

  @Test
  void aFileNeverCollidesWithAFunctionOfTheSameName() throws Exception {
    repo.write("Base/README.py", "def README():\n    return 'function'\n");
    repo.write("Base/README", "plain file\n");
    repo.commitAll("same stem");
    SaveReport report = saveHead();
    assertThat(report.saved()).isEqualTo(7);
    assertThat(report.files()).isEqualTo(2); // remark.md, Base.README
    CatalogEntry fn = catalog.require(name("Base", "README"));
    assertThat(fn.callable()).isTrue();
    assertThat(fn.path()).isEqualTo("Base/README.py");
    CatalogFile file = catalog.file("master", "Base.README").orElseThrow();
    assertThat(file.path()).isEqualTo("Base/README");
    assertThat(file.name().mongoCollection()).isEqualTo("Base_master");
    assertThat(catalog.list("master", "Base"))
        .extracting(e -> e.name().function())
        .containsExactlyInAnyOrder("README", "flat_dict", "inverse_time_str", "to_pickle");
    Path out = tmp.resolve("out");
    catalog.genFile("master", "Base.README", null, out);
    catalog.gen(name("Base", "README"), null, out);
    assertThat(out.resolve("Base/README")).hasContent("plain file");
    assertThat(out.resolve("Base/README.py")).hasContent("def README():\n    return 'function'");
  }

  @Test
  void changedFunctionsKeepTheirOlderVersionsRegenerable() throws Exception {
    String first = saveHead().commit();
    byte[] v1 = Files.readAllBytes(repo.dir.resolve("Util/mean.py"));
    repo.write("Util/mean.py", "def mean(values):\n    return sum(values) / len(values)\n");
    String second = repo.commitAll("simpler mean");
    SaveReport report = saveHead();
    assertThat(report.changed()).isEqualTo(1);
    Path out = tmp.resolve("out");
    catalog.gen(name("Util", "mean"), first, out.resolve("v1"));
    assertThat(Files.readAllBytes(out.resolve("v1/Util/mean.py"))).isEqualTo(v1);
    catalog.gen(name("Util", "mean"), second, out.resolve("v2"));
    catalog.gen(name("Util", "mean"), null, out.resolve("now"));
    assertThat(Files.readString(out.resolve("v2/Util/mean.py")))
        .isEqualTo(Files.readString(out.resolve("now/Util/mean.py")))
        .startsWith("def mean(values):");
    // Saving the old commit again restores it, and the second version stays regenerable.
    repo.git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(first).call();
    saveHead();
    assertThat(catalog.require(name("Util", "mean")).bytes()).isEqualTo(v1);
    catalog.gen(name("Util", "mean"), second, out.resolve("v2again"));
    assertThat(Files.readString(out.resolve("v2again/Util/mean.py")))
        .startsWith("def mean(values):");
  }

  @Test
  void genReproducesTheCommittedBytesAndWritesInitPy() throws IOException {
    saveHead();
    Path out = tmp.resolve("out");
    Catalog.GenReport gen = catalog.gen(name("Base", "inverse_time_str"), null, out);
    byte[] original =
        Files.readAllBytes(TestLibraryRepo.examples().resolve("Base/inverse_time_str.py"));
    assertThat(Files.readAllBytes(out.resolve("Base/inverse_time_str.py"))).isEqualTo(original);
    assertThat(gen.md5()).isEqualTo(ScanRules.md5(original));
    assertThat(Files.readString(out.resolve("Base/__init__.py")))
        .isEqualTo("from .inverse_time_str import inverse_time_str\n");
    catalog.gen(name("Base", "flat_dict"), null, out);
    assertThat(Files.readString(out.resolve("Base/__init__.py")))
        .isEqualTo(
            "from .flat_dict import flat_dict\nfrom .inverse_time_str import inverse_time_str\n");
  }

  @Test
  void bytesThatAreNotUtf8AndCrlfRoundTripExactly() throws IOException {
    byte[] latin1 = "def odd():\r\n    return '\u00e9'\r\n".getBytes(StandardCharsets.ISO_8859_1);
    repo.write("Base/odd.py", latin1);
    repo.commitAll("latin-1 file");
    saveHead();
    Catalog.GenReport gen = catalog.gen(name("Base", "odd"), null, tmp.resolve("out"));
    assertThat(Files.readAllBytes(gen.file())).isEqualTo(latin1);
  }

  @Test
  void searchFindsChineseAndEnglishRanked() {
    saveHead();
    List<CatalogIndex.Hit> zh = catalog.search("时间戳", 5, null);
    assertThat(zh).isNotEmpty();
    assertThat(zh.get(0).name().callName()).isEqualTo("Base.inverse_time_str");
    List<CatalogIndex.Hit> en = catalog.search("mean average", 5, null);
    assertThat(en.get(0).name().callName()).isEqualTo("Util.mean");
    assertThat(catalog.search("字数", 5, null).get(0).name().callName()).isEqualTo("文本.字数统计");
    assertThat(catalog.search("flat dict", 5, null).get(0).name().callName())
        .isEqualTo("Base.flat_dict");
    assertThat(catalog.search("zzqx nothing", 5, null)).isEmpty();
  }

  @Test
  void descriptionsAreSearchableAtOnce() {
    saveHead();
    assertThat(catalog.search("斑马", 5, null)).isEmpty();
    catalog.describe(name("Util", "clear_digits"), "去掉斑马线上的数字");
    assertThat(catalog.search("斑马", 5, null).get(0).name().callName())
        .isEqualTo("Util.clear_digits");
    assertThatThrownBy(() -> catalog.describe(name("Util", "nope"), "x"))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("Util.nope is not in the catalog");
  }

  @Test
  void readsGoThroughRedisAndSavesInvalidate() {
    saveHead();
    FunctionName mean = name("Util", "mean");
    String key = "sp_GlobalFunc.Util_master.mean";
    try (var jedisLike = new RawRedis(redis.port())) {
      assertThat(jedisLike.exists(key)).isFalse();
      assertThat(catalog.require(mean).doc()).contains("平均值");
      assertThat(jedisLike.exists(key)).isTrue();
      // A hit is served from Redis: prove it by changing MongoDB behind the cache's back.
      try (MongoClient client = MongoClients.create(mongoUri)) {
        client
            .getDatabase("sp_GlobalFunc")
            .getCollection("Util_master")
            .updateOne(
                new Document("_id", "mean"), new Document("$set", new Document("doc", "changed")));
      }
      assertThat(catalog.require(mean).doc()).contains("平均值");
      catalog.describe(mean, "new words");
      assertThat(jedisLike.exists(key)).isFalse();
      assertThat(catalog.require(mean).doc()).isEqualTo("changed");
      assertThat(jedisLike.exists(key)).isTrue();
      saveHead(); // same content: nothing written, nothing to invalidate
      assertThat(jedisLike.exists(key)).isTrue();
      repo.write("Util/mean.py", "def mean(values):\n    return sum(values) / len(values)\n");
      repo.commitAll("new mean");
      saveHead();
      assertThat(jedisLike.exists(key)).isFalse();
      assertThat(catalog.require(mean).data()).startsWith("def mean(values):");
    }
  }

  /**
   * Closing a catalog waits until its Redis client's event loop has stopped: one left in {@code
   * epoll_wait} holds a {@code gf} command's exit back 300 ms (HotSpot waits for it).
   */
  @Test
  void closingACatalogStopsItsRedisEventLoop() {
    saveHead();
    long before = eventLoopsInNativeCode();
    Catalog second = Catalog.connect(config());
    try {
      second.require(name("Util", "mean")); // through Redis: its client connects
      assertThat(eventLoopsInNativeCode()).isGreaterThan(before);
    } finally {
      second.close();
    }
    assertThat(eventLoopsInNativeCode())
        .as("event-loop threads still waiting in native code right after close")
        .isEqualTo(before);
  }

  /** Vert.x event-loop threads whose top frame is native ({@code epoll_wait}, say). */
  static long eventLoopsInNativeCode() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().startsWith("vert.x-eventloop-thread"))
        .filter(e -> e.getValue().length > 0 && e.getValue()[0].isNativeMethod())
        .count();
  }

  @Test
  void redisDownIsNotFatal() {
    saveHead();
    redis.stop();
    try {
      assertThat(catalog.require(name("Util", "mean")).doc()).contains("平均值");
      repo.write("Util/mean.py", "def mean(values):\n    return sum(values) / len(values)\n");
      repo.commitAll("new mean");
      SaveReport report = saveHead();
      assertThat(report.saved()).isEqualTo(6);
      assertThat(report.changed()).isEqualTo(1);
      assertThat(report.warnings()).singleElement().asString().contains("unavailable");
      assertThat(catalog.cacheAvailable()).isFalse();
    } finally {
      redis.restart();
    }
  }

  @Test
  void unreachableMongoFailsFastWithARedactedMessage() {
    String uri = "mongodb://admin:s3cret@127.0.0.1:" + RedisServer.freePort() + "/";
    CatalogConfig bad = new CatalogConfig(uri, null, null, tmp, Duration.ofMillis(500));
    assertThat(bad.toString()).doesNotContain("s3cret");
    assertThatThrownBy(() -> Catalog.connect(bad))
        .isInstanceOf(CatalogException.class)
        .hasMessageStartingWith("MongoDB at mongodb://***@127.0.0.1")
        .hasMessageNotContaining("s3cret")
        .extracting(e -> ((CatalogException) e).reason())
        .isEqualTo(CatalogException.Reason.MONGO_UNAVAILABLE);
  }

  @Test
  void unknownNamesAndCommitsAreClearErrors() {
    saveHead();
    assertThatThrownBy(() -> catalog.require(name("Base", "nope")))
        .hasMessage(
            "Base.nope is not in the catalog for branch master in space sp_GlobalFunc (save it"
                + " with: gf save Base.nope)");
    assertThatThrownBy(() -> catalog.gen(name("Base", "to_pickle"), "deadbeef", tmp))
        .hasMessageContaining("no save of Base on master at commit deadbeef");
    assertThatThrownBy(() -> catalog.gen(name("Base", "to_pickle"), "not-a-sha", tmp))
        .hasMessage("not a commit id: not-a-sha");
    Library lib = repo.read("master");
    assertThatThrownBy(
            () ->
                catalog.saveFunctions(
                    repo.claim(),
                    lib,
                    TestLibraryRepo.introspect(lib),
                    List.of(new FunctionRef("Base", "nope"))))
        .hasMessageContaining("Base.nope is not in the committed tree of master");
  }

  @Test
  void branchesWithSlashesAndUnderscoresGetTheirOwnCollections() throws Exception {
    repo.git.branchCreate().setName("release/1.2").call();
    repo.git.branchCreate().setName("feat_x").call();
    Library rel = repo.read("release/1.2");
    catalog.saveRelease(repo.claim(), rel, TestLibraryRepo.introspect(rel));
    Library feat = repo.read("feat_x");
    catalog.saveRelease(repo.claim(), feat, TestLibraryRepo.introspect(feat));
    try (MongoClient client = MongoClients.create(mongoUri)) {
      List<String> names =
          client
              .getDatabase("sp_GlobalFunc")
              .listCollectionNames()
              .into(new java.util.ArrayList<>());
      assertThat(names).contains("Base_release~2F1~2E2", "Base_feat~5Fx");
    }
    assertThat(catalog.list("release/1.2", "Base")).hasSize(3);
    assertThat(catalog.search("时间戳", 5, "feat_x").get(0).name().branch()).isEqualTo("feat_x");
  }

  @Test
  void embeddedCatalogPersistsInAFileThroughTheSameDriver() {
    catalog.close();
    Path home = tmp.resolve("embedded-home");
    try (Catalog embedded = Catalog.connect(CatalogConfig.embedded(home, null))) {
      Library lib = repo.read("master");
      embedded.saveRelease(repo.claim(), lib, TestLibraryRepo.introspect(lib));
      assertThatThrownBy(() -> Catalog.connect(CatalogConfig.embedded(home, null)))
          .isInstanceOf(CatalogException.class)
          .extracting(e -> ((CatalogException) e).reason())
          .isEqualTo(CatalogException.Reason.EMBEDDED_LOCKED);
    }
    assertThat(home.resolve("catalog.mv.db")).isRegularFile();
    try (Catalog reopened = Catalog.connect(CatalogConfig.embedded(home, null))) {
      assertThat(reopened.list("master", null)).hasSize(6);
      assertThat(reopened.search("时间戳", 3, null).get(0).name().callName())
          .isEqualTo("Base.inverse_time_str");
    }
    catalog = Catalog.connect(config());
  }
}
