import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.CatalogConfig;
import io.globalfunc.core.catalog.RepositoryClaim;
import io.globalfunc.core.catalog.SaveReport;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.DirectoryLibraryReader;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.naming.FunctionName;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.ReplaceOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.Document;
import org.eclipse.jgit.api.Git;

/**
 * Catalog benchmark: `gf save --all` of a generated 10,000-function library versus the seed's
 * one-call-per-function save, search p50/p99 over that catalog, and cache-hit reads through Redis.
 * Run through bench/catalog/run.sh (which starts redis-server and builds the classpath).
 */
public class CatalogBench {

  static final String[] EN = {
    "parse", "time", "string", "average", "mean", "median", "flatten", "dict", "pickle", "file",
    "digits", "clear", "count", "text", "normalize", "vector", "matrix", "merge", "split", "join",
    "hash", "encode", "decode", "sort", "filter", "window", "rolling", "sum", "price", "order"
  };
  static final String[] ZH = {
    "时间戳", "字符串", "平均值", "中位数", "字典", "文件", "数字", "文本", "统计", "向量",
    "矩阵", "合并", "拆分", "排序", "过滤", "窗口", "求和", "价格", "订单", "编码"
  };

  public static void main(String[] args) throws Exception {
    java.util.logging.LogManager.getLogManager().reset();
    int n = Integer.parseInt(arg(args, "--functions", "10000"));
    String redisUri = arg(args, "--redis", null);
    Path work = Files.createTempDirectory("gf-bench-");
    System.out.printf("generating a library of %,d functions in %s%n", n, work);
    Path lib = work.resolve("lib");
    generate(lib, n);
    String commit;
    try (Git git = Git.init().setDirectory(lib.toFile()).setInitialBranch("master").call()) {
      git.add().addFilepattern(".").call();
      commit = git.commit().setMessage("generated").setAuthor("b", "b@e").setCommitter("b", "b@e").call().getName();
    }

    // --- gf save --all: read committed tree (JGit) + introspect (Python ast) + bulk save.
    CatalogConfig config = new CatalogConfig(null, redisUri, "sp_Bench", work.resolve("home"), Duration.ofSeconds(5));
    double load0 = loadAverage();
    double c0 = cpu();
    long t0 = System.nanoTime();
    GitLibraryReader reader = new GitLibraryReader();
    GitLibraryReader.Resolved resolved = reader.resolveLocal(lib, "master", null);
    Library library = reader.read(resolved, lib.toString());
    RepositoryClaim repository = new RepositoryClaim(reader.rootCommit(resolved), lib.toString());
    long t1 = System.nanoTime();
    Map<FunctionRef, FunctionInfo> infos = new PythonIntrospector("python3").describe(library);
    long t2 = System.nanoTime();
    SaveReport report;
    try (Catalog catalog = Catalog.connect(config)) {
      report = catalog.saveRelease(repository, library, infos);
    }
    long t3 = System.nanoTime();
    double saveAll = secs(t3 - t0);
    double saveAllCpu = cpu() - c0;
    System.out.printf("save --all: read %.2f s, introspect %.2f s, store %.2f s; %d saved%n",
        secs(t1 - t0), secs(t2 - t1), secs(t3 - t2), report.saved());

    // Re-save of the same commit (idempotent; nothing changed).
    double rc0 = cpu();
    long r0 = System.nanoTime();
    try (Catalog catalog = Catalog.connect(config)) {
      catalog.saveRelease(repository, library, infos);
    }
    double resave = secs(System.nanoTime() - r0);
    double resaveCpu = cpu() - rc0;

    // --- Baseline 1: one round trip per function (MongoDB upsert + Redis SET), as the seed's
    // _save_a_file_rom did per call, but without its full rescan per call (generous to the seed).
    MongoServer baselineServer = new MongoServer(new H2Backend(work.resolve("baseline.mv.db").toString()));
    String baselineUri = baselineServer.bindAndGetConnectionString();
    double perCall;
    double perCallCpu;
    try (MongoClient client = MongoClients.create(baselineUri);
        Resp redis = redisUri == null ? null : new Resp(redisUri)) {
      double bc0 = cpu();
      long b0 = System.nanoTime();
      List<LibraryFile> files = library.functionFiles();
      int limit = Integer.parseInt(arg(args, "--baseline-limit", Integer.toString(files.size())));
      for (LibraryFile f : files.subList(0, Math.min(limit, files.size()))) {
        seedSaveOne(client, redis, f, "master");
      }
      // Extrapolated to every function when --baseline-limit measures fewer.
      perCall = secs(System.nanoTime() - b0) * files.size() / Math.min(limit, files.size());
      perCallCpu = (cpu() - bc0) * files.size() / Math.min(limit, files.size());
    }

    // --- Baseline 2: the seed faithfully: every call rescans the whole folder (scan_directory)
    // and asks git for the branch, then saves one function. Measured on a sample, extrapolated.
    int sample = Math.min(Integer.parseInt(arg(args, "--sample", "20")), n);
    double faithfulPerCall;
    try (MongoClient client = MongoClients.create(baselineUri);
        Resp redis = redisUri == null ? null : new Resp(redisUri)) {
      List<LibraryFile> files = library.functionFiles();
      long f0 = System.nanoTime();
      for (int i = 0; i < sample; i++) {
        Library scanned = new DirectoryLibraryReader().read(lib); // scan_directory per call
        Process p = new ProcessBuilder("git", "-C", lib.toString(), "rev-parse", "--abbrev-ref", "HEAD").start();
        String branch = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        seedSaveOne(client, redis, scanned.file(files.get(i).path()).orElseThrow(), branch);
      }
      faithfulPerCall = secs(System.nanoTime() - f0) / sample;
    } finally {
      baselineServer.shutdownNow();
    }
    double faithful = faithfulPerCall * library.functionFiles().size();

    // --- Search over the catalog.
    String[] queries = queries();
    double indexBuild;
    long[] searchNs;
    long[] cacheNs;
    long[] mongoNs;
    try (Catalog catalog = Catalog.connect(config)) {
      long s0 = System.nanoTime();
      catalog.search("warm up", 5, null); // builds the local index from the catalog
      indexBuild = secs(System.nanoTime() - s0);
      for (int i = 0; i < 300; i++) {
        catalog.search(queries[i % queries.length], 10, null);
      }
      searchNs = new long[3000];
      for (int i = 0; i < searchNs.length; i++) {
        long q0 = System.nanoTime();
        catalog.search(queries[i % queries.length], 10, null);
        searchNs[i] = System.nanoTime() - q0;
      }
      // --- Cache-hit reads through Redis.
      List<FunctionName> names = new ArrayList<>();
      for (LibraryFile f : library.functionFiles()) {
        FunctionRef ref = f.functionRef().orElseThrow();
        names.add(ref.at("sp_Bench", "master"));
      }
      Random rnd = new Random(7);
      List<FunctionName> hot = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        hot.add(names.get(rnd.nextInt(names.size())));
      }
      hot.forEach(catalog::get); // fill the cache
      cacheNs = timeReads(catalog, hot, 5000);
    }
    try (Catalog noCache = Catalog.connect(new CatalogConfig(null, null, "sp_Bench", work.resolve("home"), Duration.ofSeconds(5)))) {
      List<FunctionName> some = new ArrayList<>();
      Random rnd = new Random(7);
      for (LibraryFile f : library.functionFiles()) {
        if (rnd.nextInt(20) == 0) {
          some.add(f.functionRef().orElseThrow().at("sp_Bench", "master"));
        }
      }
      some.stream().limit(100).forEach(noCache::get);
      mongoNs = timeReads(noCache, some, 5000);
    }

    System.out.println();
    System.out.printf("GlobalFunc catalog benchmark: %,d functions, commit %s, %d cores, Java %s%n",
        n, commit.substring(0, 7), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.println("catalog: embedded (mongo-java-server + H2 file, real MongoDB driver); cache: "
        + (redisUri == null ? "none" : "redis-server"));
    System.out.println();
    System.out.printf("load average %.1f at start, %.1f at end (2 cores shared with other work)%n", load0, loadAverage());
    System.out.println();
    System.out.printf("| %-58s | %12s | %10s |%n", "measure", "value", "vs gf");
    System.out.println("|" + "-".repeat(60) + "|" + "-".repeat(14) + "|" + "-".repeat(12) + "|");
    row("gf save --all (read commit + introspect + bulk save)", fmtS(saveAll), "1.0x");
    row("  CPU time of it (Java + Python)", fmtS(saveAllCpu), "1.0x");
    row("gf save --all again, same commit (idempotent)", fmtS(resave), String.format("%.1fx", resave / saveAll));
    row("  CPU time of it", fmtS(resaveCpu), String.format("%.1fx", resaveCpu / saveAllCpu));
    row("baseline: one upsert + one SET per function (no rescan)", fmtS(perCall), String.format("%.1fx", perCall / saveAll));
    row("  CPU time of it (this process)", fmtS(perCallCpu), String.format("%.1fx", perCallCpu / saveAllCpu));
    row("seed faithful: rescan+git+save per function (extrapolated)", fmtS(faithful), String.format("%.0fx", faithful / saveAll));
    row("  seed faithful, measured per call (" + sample + " calls)", fmtMs(faithfulPerCall * 1e9), "");
    row("search: first query, builds the local index", fmtS(indexBuild), "");
    row("search p50 (" + searchNs.length + " queries, top 10)", fmtMs(pct(searchNs, 50)), "");
    row("search p99", fmtMs(pct(searchNs, 99)), "");
    row("read p50, Redis cache hit", fmtMs(pct(cacheNs, 50)), "1.0x");
    row("read p99, Redis cache hit", fmtMs(pct(cacheNs, 99)), "");
    row("read p50, MongoDB (no cache configured)", fmtMs(pct(mongoNs, 50)), String.format("%.1fx", pct(mongoNs, 50) / pct(cacheNs, 50)));
    System.out.println();
    System.out.println("targets: save --all <= 10 s, search p50 <= 5 ms");
  }

  static void seedSaveOne(MongoClient client, Resp redis, LibraryFile f, String branch) throws Exception {
    FunctionRef ref = f.functionRef().orElseThrow();
    FunctionName name = ref.at("sp_Seed", branch);
    Document value = new Document("meta", new Document("hash", f.meta().hash())
            .append("modified_time", f.meta().modifiedTime())
            .append("line_count", f.meta().lineCount())
            .append("name", f.meta().name()))
        .append("data", f.text());
    client.getDatabase(name.mongoDatabase()).getCollection(name.mongoCollection())
        .replaceOne(new Document("_id", name.mongoId()), new Document(value).append("_id", name.mongoId()), new ReplaceOptions().upsert(true));
    if (redis != null) {
      redis.set(name.fullName(), value.toJson());
    }
  }

  static long[] timeReads(Catalog catalog, List<FunctionName> names, int count) {
    long[] ns = new long[count];
    for (int i = 0; i < 500; i++) {
      catalog.get(names.get(i % names.size()));
    }
    for (int i = 0; i < count; i++) {
      FunctionName name = names.get(i % names.size());
      long t = System.nanoTime();
      if (catalog.get(name).isEmpty()) {
        throw new IllegalStateException("missing " + name);
      }
      ns[i] = System.nanoTime() - t;
    }
    return ns;
  }

  static void generate(Path lib, int n) throws Exception {
    Random rnd = new Random(42);
    int perPackage = 100;
    for (int i = 0; i < n; i++) {
      String pkg = "P" + (i / perPackage);
      String a = EN[rnd.nextInt(EN.length)];
      String b = EN[rnd.nextInt(EN.length)];
      String fn = a + "_" + b + "_" + i;
      String zh = ZH[rnd.nextInt(ZH.length)] + ZH[rnd.nextInt(ZH.length)];
      String src = "import math\n\n\ndef " + fn + "(values=None, scale: float = 1.0, *, label=\"" + a + "\"):\n"
          + "    \"\"\"" + cap(a) + " the " + b + " of values, scaled.\n\n"
          + "    " + zh + "：按比例计算" + ZH[rnd.nextInt(ZH.length)] + "。\n    \"\"\"\n"
          + "    values = list(values or [])\n"
          + "    total = sum(v * scale for v in values)\n"
          + "    return {\"label\": label, \"" + b + "\": total, \"n\": len(values)}\n";
      Path file = lib.resolve(pkg).resolve(fn + ".py");
      Files.createDirectories(file.getParent());
      Files.writeString(file, src);
    }
    Files.writeString(lib.resolve("remark.md"), "generated\n");
  }

  static String[] queries() {
    List<String> q = new ArrayList<>();
    q.addAll(Arrays.asList(EN));
    q.addAll(Arrays.asList(ZH));
    q.addAll(List.of("mean average", "parse time string", "时间戳 字符串", "flatten dict", "rolling window sum",
        "price_order", "normalize vector", "文本统计", "clear digits", "encode decode"));
    return q.toArray(new String[0]);
  }

  /** CPU seconds of this process and its waited-for children (Python), from /proc. */
  static double cpu() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
      return ticks / 100.0;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static String cap(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static double pct(long[] ns, int p) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }

  static double secs(long ns) {
    return ns / 1e9;
  }

  static String fmtS(double s) {
    return String.format("%.2f s", s);
  }

  static String fmtMs(double ns) {
    return String.format("%.3f ms", ns / 1e6);
  }

  static void row(String a, String b, String c) {
    System.out.printf("| %-58s | %12s | %10s |%n", a, b, c);
  }

  static String arg(String[] args, String name, String def) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return def;
  }

  /** A minimal RESP client for the baseline's one SET per function. */
  static final class Resp implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;

    Resp(String uri) throws Exception {
      java.net.URI u = java.net.URI.create(uri);
      socket = new Socket(u.getHost(), u.getPort());
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
    }

    void set(String key, String value) throws Exception {
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      out.write(("*3\r\n$3\r\nSET\r\n$" + k.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.write(k);
      out.write(("\r\n$" + v.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.write(v);
      out.write("\r\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      String reply = in.readLine();
      if (!"+OK".equals(reply)) {
        throw new IllegalStateException("SET failed: " + reply);
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }
}
