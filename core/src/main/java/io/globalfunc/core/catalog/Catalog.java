package io.globalfunc.core.catalog;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.globalfunc.core.catalog.search.CatalogIndex;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.library.ScanRules;
import io.globalfunc.core.naming.CatalogKeys;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.naming.FunctionName.PackageBranch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.lucene.store.LockObtainFailedException;
import org.bson.Document;
import org.jboss.logging.Logger;

/**
 * The function catalog: MongoDB as the durable store under three-tier names, Redis as the read
 * cache, a local Lucene index for search, and regeneration of committed files. This facade is what
 * the CLI and the operator call.
 */
public final class Catalog implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Catalog.class);
  private static final Duration CACHE_TTL = Duration.ofMinutes(10);

  /** Packages written at once by a save. */
  private static final int WRITERS = 4;

  private final CatalogConfig config;
  private final EmbeddedMongo embedded;
  private final MongoClient client;
  private final MongoCatalogStore store;
  private final RedisCache cache;
  private final Path indexDir;
  private CatalogIndex index;

  private Catalog(
      CatalogConfig config, EmbeddedMongo embedded, MongoClient client, RedisCache cache) {
    this.config = config;
    this.embedded = embedded;
    this.client = client;
    this.store = new MongoCatalogStore(client, config.space());
    this.cache = cache;
    this.indexDir = config.home().resolve("index").resolve(indexKey(config));
  }

  /**
   * Connects to the configured MongoDB (or starts the embedded catalog) and, when configured, to
   * Redis. MongoDB must answer; Redis may be down (reads then go to MongoDB).
   *
   * @throws CatalogException {@code MONGO_UNAVAILABLE} when MongoDB does not answer in time
   */
  public static Catalog connect(CatalogConfig config) {
    EmbeddedMongo embedded =
        config.isEmbedded() ? EmbeddedMongo.start(config.embeddedFile()) : null;
    String uri = embedded != null ? embedded.uri() : config.mongoUri();
    MongoClient client;
    try {
      ConnectionString cs = new ConnectionString(uri);
      long timeout = config.timeout().toMillis();
      MongoClientSettings.Builder settings =
          MongoClientSettings.builder().applyConnectionString(cs);
      if (cs.getServerSelectionTimeout() == null) {
        settings.applyToClusterSettings(
            b -> b.serverSelectionTimeout(timeout, TimeUnit.MILLISECONDS));
      }
      if (cs.getConnectTimeout() == null) {
        settings.applyToSocketSettings(b -> b.connectTimeout((int) timeout, TimeUnit.MILLISECONDS));
      }
      client = MongoClients.create(settings.build());
    } catch (IllegalArgumentException e) {
      closeQuietly(embedded);
      throw new CatalogException(
          CatalogException.Reason.INVALID,
          "not a valid MongoDB URI: " + CatalogConfig.redact(uri),
          null);
    }
    RedisCache cache = null;
    try {
      new MongoCatalogStore(client, config.space()).ping();
      if (config.redisUri() != null) {
        cache =
            new RedisCache(
                config.redisUri(),
                Duration.ofMillis(Math.min(1000, config.timeout().toMillis())),
                CACHE_TTL);
      }
      return new Catalog(config, embedded, client, cache);
    } catch (MongoException e) {
      client.close();
      closeQuietly(embedded);
      throw unavailable(config, e);
    }
  }

  public CatalogConfig config() {
    return config;
  }

  public String space() {
    return config.space();
  }

  /** True when a Redis cache is configured and answered a PING just now. */
  public boolean cacheAvailable() {
    return cache != null && cache.ping();
  }

  /**
   * Saves a whole release: every {@code package/name.py} of {@code library} at its commit, with
   * what introspection said of it. Idempotent; functions of the branch that the release no longer
   * has are marked removed (they stay readable at older commits).
   *
   * @param library read through Git, so it has a branch and a commit
   * @param infos introspection results keyed by function; a missing entry saves the file as not
   *     callable
   */
  public SaveReport saveRelease(Library library, Map<FunctionRef, FunctionInfo> infos) {
    return saveRelease(library, infos, SaveListener.NONE);
  }

  /** As {@link #saveRelease(Library, Map)}, reporting progress. */
  public SaveReport saveRelease(
      Library library, Map<FunctionRef, FunctionInfo> infos, SaveListener listener) {
    return save(library, infos, null, listener);
  }

  /** Saves only {@code refs} of the release; nothing is marked removed. */
  public SaveReport saveFunctions(
      Library library, Map<FunctionRef, FunctionInfo> infos, Collection<FunctionRef> refs) {
    Set<String> paths = new HashSet<>();
    for (FunctionRef ref : refs) {
      if (library.file(ref.path()).isEmpty()) {
        throw new CatalogException(
            CatalogException.Reason.NOT_FOUND,
            ref.callName()
                + " is not in the committed tree of "
                + library.branch()
                + " at "
                + abbrev(library.commit())
                + " (no "
                + ref.path()
                + "; commit it first)");
      }
      paths.add(ref.path());
    }
    return save(library, infos, paths, SaveListener.NONE);
  }

  private SaveReport save(
      Library library,
      Map<FunctionRef, FunctionInfo> infos,
      Set<String> onlyPaths,
      SaveListener listener) {
    long started = System.nanoTime();
    if (library.branch() == null || library.commit() == null) {
      throw new CatalogException(
          CatalogException.Reason.INVALID,
          "a release needs a branch and a commit: read the library through Git");
    }
    String branch = library.branch();
    String commit = library.commit();
    String space = config.space();
    // Every document goes to its home collection: functions and the files of a package to the
    // package's tier 2, root-level files to the branch's files collection (see CatalogKeys).
    Map<String, Home> homes = new TreeMap<>();
    Map<String, List<Slot>> slots = new TreeMap<>();
    Set<String> keys = new HashSet<>();
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    int functionCount = 0;
    for (LibraryFile f : library.files()) {
      Optional<FunctionRef> ref = f.functionRef();
      if (ref.isEmpty() || (onlyPaths != null && !onlyPaths.contains(f.path()))) {
        continue;
      }
      keys.add(f.key());
      PackageBranch pb = PackageBranch.of(ref.get().pkg(), branch);
      FunctionName name = pb.function(space, ref.get().function());
      place(homes, slots, new Home(pb.tier2(), pb), new Slot(name.mongoId(), f, name, null));
      functionCount++;
    }
    int fileCount = 0;
    if (onlyPaths == null) {
      for (LibraryFile f : library.files()) {
        if (f.functionRef().isPresent()) {
          continue;
        }
        CatalogKeys.FileName name = CatalogKeys.FileName.ofPath(space, branch, f.path());
        if (!keys.add(name.key())) {
          // The seed keys its scan by this key too: one of two such files can be catalogued.
          warnings.add(
              f.path() + " has the scan key " + name.key() + " of another file; not catalogued");
          continue;
        }
        Home home =
            name.pkg() != null
                ? new Home(name.mongoCollection(), PackageBranch.of(name.pkg(), branch))
                : new Home(name.mongoCollection(), null);
        place(homes, slots, home, new Slot(name.mongoId(), f, null, name));
        fileCount++;
      }
    }
    int total = functionCount + fileCount;
    int files = fileCount;
    Date now = new Date();
    AtomicInteger done = new AtomicInteger();
    Set<String> touchedKeys = ConcurrentHashMap.newKeySet();
    List<CatalogIndex.Item> indexed = Collections.synchronizedList(new ArrayList<>());
    List<String> unindexed = new ArrayList<>();
    // What each written home held before the save (read once, reused to find removals).
    Map<String, Map<String, MongoCatalogStore.Held>> heldBefore = new ConcurrentHashMap<>();
    return mongo(
        () -> {
          long revisionBefore = store.revision();
          listener.progress(0, total);
          // A content lives in its current document; only contents a save displaces (changed
          // files) move to _blobs first. So any saved commit stays regenerable, a failure
          // part-way leaves at most extra blobs or a partial upsert, and a re-run completes it.
          AtomicInteger changedCount = new AtomicInteger();
          AtomicInteger notCallableCount = new AtomicInteger();
          // Homes are independent collections: write a few at once to use every core.
          List<Callable<Void>> writes = new ArrayList<>();
          for (Map.Entry<String, Home> e : homes.entrySet()) {
            writes.add(
                () -> {
                  saveHome(
                      e.getValue(),
                      heldBefore,
                      branch,
                      slots.get(e.getKey()),
                      infos,
                      commit,
                      onlyPaths == null,
                      now,
                      changedCount,
                      notCallableCount,
                      touchedKeys,
                      indexed,
                      n -> listener.progress(done.addAndGet(n), total));
                  return null;
                });
          }
          runAll(writes);
          int removedCount = 0;
          if (onlyPaths == null) {
            List<Home> held = new ArrayList<>();
            store.tiers(branch).forEach(pb -> held.add(new Home(pb.tier2(), pb)));
            store.fileCollections(branch).forEach(c -> held.add(new Home(c, null)));
            for (Home home : held) {
              Set<String> keep = new HashSet<>();
              slots.getOrDefault(home.collection(), List.of()).forEach(sl -> keep.add(sl.id()));
              Map<String, MongoCatalogStore.Held> before = heldBefore.get(home.collection());
              if (before == null) {
                before = store.held(home.collection());
              }
              List<String> gone = new ArrayList<>();
              for (Map.Entry<String, MongoCatalogStore.Held> h : before.entrySet()) {
                String id = h.getKey();
                if (!keep.contains(id) && !h.getValue().removed()) {
                  gone.add(id);
                  if (home.pb() != null && FunctionName.isIdentifier(id)) {
                    FunctionName fn = home.pb().function(space, id);
                    touchedKeys.add(CatalogKeys.cacheKey(fn));
                    unindexed.add(fn.fullName());
                  } else {
                    unindexed.add(
                        new CatalogKeys.FileName(
                                space, branch, id, home.pb() == null ? null : home.pb().pkg())
                            .fullName());
                  }
                }
              }
              if (!gone.isEmpty()) {
                removedCount += store.markRemoved(home.collection(), gone, commit, now);
              }
              if (!homes.containsKey(home.collection())) {
                store.putManifest(
                    home.collection(), branch, commit, Map.of(), List.of(), true, now);
              }
            }
          }
          long revision = store.bumpRevision();
          if (cache != null && !cache.invalidate(touchedKeys)) {
            warnings.add(
                "Redis at "
                    + cache.location()
                    + " is unavailable: cached entries expire within "
                    + CACHE_TTL.toMinutes()
                    + " min");
          }
          if (revision == revisionBefore + 1) {
            updateIndexAfterSave(indexed, unindexed, revision);
          }
          return new SaveReport(
              space,
              branch,
              commit,
              total - files,
              changedCount.get(),
              removedCount,
              notCallableCount.get(),
              files,
              List.copyOf(warnings),
              Duration.ofNanos(System.nanoTime() - started));
        });
  }

  /** One collection a save writes: a package's tier 2 ({@code pb}) or root-level files. */
  private record Home(String collection, PackageBranch pb) {}

  /** One document a save writes: a function ({@code function}) or another file ({@code other}). */
  private record Slot(
      String id, LibraryFile file, FunctionName function, CatalogKeys.FileName other) {}

  private static void place(
      Map<String, Home> homes, Map<String, List<Slot>> slots, Home home, Slot slot) {
    homes.putIfAbsent(home.collection(), home);
    slots.computeIfAbsent(home.collection(), k -> new ArrayList<>()).add(slot);
  }

  /** Saves one home of a release: displaced contents, documents, the commit's manifest. */
  private void saveHome(
      Home home,
      Map<String, Map<String, MongoCatalogStore.Held>> heldBefore,
      String branch,
      List<Slot> slots,
      Map<FunctionRef, FunctionInfo> infos,
      String commit,
      boolean wholeRelease,
      Date now,
      AtomicInteger changedCount,
      AtomicInteger notCallableCount,
      Set<String> touchedKeys,
      List<CatalogIndex.Item> indexed,
      java.util.function.Consumer<Integer> progress) {
    Map<String, MongoCatalogStore.Held> before = store.held(home.collection());
    heldBefore.put(home.collection(), before);
    List<String> displaced = new ArrayList<>();
    for (Slot sl : slots) {
      MongoCatalogStore.Held old = before.get(sl.id());
      if (old != null && !sl.file().meta().hash().equals(old.hash())) {
        displaced.add(sl.id());
      }
    }
    if (!displaced.isEmpty()) {
      store.putBlobs(store.contents(home.collection(), displaced));
    }
    List<Document> docs = new ArrayList<>();
    Set<String> newIds = new HashSet<>();
    Map<String, Document> manifest = new LinkedHashMap<>();
    List<Document> fileManifest = new ArrayList<>();
    int unchanged = 0;
    for (Slot sl : slots) {
      LibraryFile f = sl.file();
      FunctionInfo info = null;
      if (sl.function() != null) {
        info = infos.get(f.functionRef().orElseThrow());
        manifest.put(
            sl.id(), new Document("path", f.path()).append("meta", EntryCodec.meta(f.meta())));
        if (info == null || !info.callable()) {
          notCallableCount.incrementAndGet();
        }
      } else {
        fileManifest.add(
            new Document("key", sl.id())
                .append("path", f.path())
                .append("meta", EntryCodec.meta(f.meta())));
      }
      MongoCatalogStore.Held old = before.get(sl.id());
      if (old != null && !old.removed() && f.meta().hash().equals(old.hash())) {
        // Same content: the document (and its commit, the save that brought this content)
        // stays; the commit's manifest below still records that the release has it.
        unchanged++;
        continue;
      }
      changedCount.incrementAndGet();
      Document d =
          sl.function() != null
              ? EntryCodec.savedFields(sl.function(), f, commit, info)
              : EntryCodec.savedFileFields(sl.other(), f, commit);
      d.put("_id", sl.id());
      if (old == null) {
        newIds.add(sl.id());
      }
      docs.add(d);
      if (sl.function() != null) {
        touchedKeys.add(CatalogKeys.cacheKey(sl.function()));
        indexed.add(
            new CatalogIndex.Item(sl.function(), info == null ? null : info.doc(), null, f.text()));
      } else {
        indexed.add(CatalogIndex.Item.file(sl.other(), f.text()));
      }
    }
    if (unchanged > 0) {
      progress.accept(unchanged);
    }
    store.upsert(home.collection(), docs, newIds, now, progress);
    store.putManifest(home.collection(), branch, commit, manifest, fileManifest, wholeRelease, now);
  }

  /** Runs the writes on a few threads; the first failure is rethrown as it was thrown. */
  private static void runAll(List<Callable<Void>> tasks) {
    if (tasks.size() <= 1) {
      for (Callable<Void> t : tasks) {
        callUnchecked(t);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(WRITERS, tasks.size()));
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Callable<Void> t : tasks) {
        futures.add(pool.submit(t));
      }
      for (Future<Void> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          futures.forEach(other -> other.cancel(true));
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CatalogException(CatalogException.Reason.IO, "interrupted while saving");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void callUnchecked(Callable<Void> task) {
    try {
      task.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Keeps an existing local index current without a rebuild; descriptions come from MongoDB. */
  private void updateIndexAfterSave(
      List<CatalogIndex.Item> items, List<String> deletes, long revision) {
    if (!Files.isDirectory(indexDir)) {
      return; // no local index yet: the first search builds it
    }
    try {
      CatalogIndex idx = index();
      if (idx.revision() != revision - 1) {
        return;
      }
      Map<String, String> descriptions = new HashMap<>();
      Set<PackageBranch> tiers = new HashSet<>();
      items.stream()
          .filter(i -> i.name() != null)
          .forEach(i -> tiers.add(PackageBranch.of(i.name().pkg(), i.name().branch())));
      for (PackageBranch pb : tiers) {
        for (Document d : store.list(pb)) {
          if (d.getString("description") != null) {
            descriptions.put(
                pb.function(config.space(), d.getString("_id")).fullName(),
                d.getString("description"));
          }
        }
      }
      List<CatalogIndex.Item> withDescriptions = new ArrayList<>(items.size());
      for (CatalogIndex.Item i : items) {
        if (i.name() == null) {
          withDescriptions.add(i);
          continue;
        }
        withDescriptions.add(
            new CatalogIndex.Item(
                i.name(), i.doc(), descriptions.get(i.name().fullName()), i.code()));
      }
      idx.update(withDescriptions, deletes, revision);
    } catch (RuntimeException e) {
      // The index is derived data; the next search rebuilds it from the catalog.
      LOG.debugf(e, "search index not updated after save");
    }
  }

  /** The current entry of a function (through the cache), if the catalog has it. */
  public Optional<CatalogEntry> get(FunctionName name) {
    String key = CatalogKeys.cacheKey(name);
    if (cache != null) {
      Optional<String> hit = cache.get(key);
      if (hit.isPresent()) {
        return Optional.of(EntryCodec.entry(config.space(), Document.parse(hit.get())));
      }
    }
    Optional<Document> doc = mongo(() -> store.find(name));
    if (doc.isPresent() && cache != null) {
      cache.put(key, doc.get().toJson());
    }
    return doc.map(d -> EntryCodec.entry(config.space(), d));
  }

  /** The current entry, or a {@code NOT_FOUND} failure naming what is missing. */
  public CatalogEntry require(FunctionName name) {
    return get(name)
        .orElseThrow(
            () ->
                new CatalogException(
                    CatalogException.Reason.NOT_FOUND,
                    name.callName()
                        + " is not in the catalog for branch "
                        + name.branch()
                        + " in space "
                        + name.space()
                        + " (save it with: gf save "
                        + name.callName()
                        + ")"));
  }

  /**
   * The function as of {@code commit} (full id or unique prefix): path, metadata and exact bytes.
   */
  public CatalogEntry getAt(FunctionName name, String commit) {
    if (!commit.matches("[0-9a-fA-F]{4,40}")) {
      throw new CatalogException(CatalogException.Reason.INVALID, "not a commit id: " + commit);
    }
    PackageBranch pb = PackageBranch.of(name.pkg(), name.branch());
    return mongo(
        () -> {
          Document manifest =
              store
                  .manifest(pb.tier2(), commit.toLowerCase())
                  .orElseThrow(
                      () ->
                          new CatalogException(
                              CatalogException.Reason.NOT_FOUND,
                              "no save of "
                                  + name.pkg()
                                  + " on "
                                  + name.branch()
                                  + " at commit "
                                  + commit));
          Document functions = manifest.get("functions", Document.class);
          Document f = functions == null ? null : functions.get(name.mongoId(), Document.class);
          if (f == null) {
            throw new CatalogException(
                CatalogException.Reason.NOT_FOUND,
                name.callName() + " was not saved at commit " + abbrev(manifest.getString("_id")));
          }
          var meta = EntryCodec.meta(f.get("meta", Document.class));
          Optional<Document> current = store.find(name);
          Optional<byte[]> inCurrent =
              current
                  .filter(d -> meta.hash().equals(d.get("meta", Document.class).getString("hash")))
                  .map(EntryCodec::content);
          byte[] bytes =
              inCurrent
                  .or(() -> store.blob(meta.hash()))
                  .orElseThrow(
                      () ->
                          new CatalogException(
                              CatalogException.Reason.NOT_FOUND,
                              "the content of "
                                  + name.callName()
                                  + " ("
                                  + meta.hash()
                                  + ") is missing"));
          Document content = new Document();
          EntryCodec.putContent(content, bytes);
          Object raw = content.get("raw");
          return new CatalogEntry(
              name,
              f.getString("path"),
              meta,
              content.getString("data"),
              raw == null ? null : bytes,
              manifest.getString("_id"),
              false,
              null,
              null,
              null,
              null,
              false,
              null,
              null,
              null);
        });
  }

  /** Functions saved for {@code branch} (all packages, or one), without their contents. */
  public List<CatalogEntry> list(String branch, String pkg) {
    return mongo(
        () -> {
          List<CatalogEntry> out = new ArrayList<>();
          for (PackageBranch pb : store.tiers(branch)) {
            if (pkg != null && !pb.pkg().equals(pkg)) {
              continue;
            }
            for (Document d : store.list(pb)) {
              d.put("data", "");
              out.add(EntryCodec.entry(config.space(), d));
            }
          }
          return out;
        });
  }

  /**
   * Files saved for {@code branch} that are not functions (all, or those of one package), without
   * their contents, in key order.
   */
  public List<CatalogFile> listFiles(String branch, String pkg) {
    return mongo(
        () -> {
          List<String> colls = new ArrayList<>();
          for (PackageBranch pb : store.tiers(branch)) {
            if (pkg == null || pb.pkg().equals(pkg)) {
              colls.add(pb.tier2());
            }
          }
          if (pkg == null) {
            colls.addAll(store.fileCollections(branch));
          }
          List<CatalogFile> out = new ArrayList<>();
          for (String coll : colls) {
            for (Document d : store.listFiles(coll)) {
              d.put("data", "");
              out.add(EntryCodec.file(config.space(), d));
            }
          }
          out.sort((a, b) -> a.name().key().compareTo(b.name().key()));
          return out;
        });
  }

  /** The current version of a file that is not a function, by its scan key (e.g. remark.md). */
  public Optional<CatalogFile> file(String branch, String key) {
    return mongo(
        () -> {
          CatalogFile removed = null;
          for (CatalogKeys.FileName n : CatalogKeys.FileName.candidates(space(), branch, key)) {
            Optional<Document> d = store.findFile(n);
            if (d.isPresent()) {
              CatalogFile f = EntryCodec.file(config.space(), d.get());
              if (!f.removed()) {
                return Optional.of(f);
              }
              removed = f;
            }
          }
          return Optional.ofNullable(removed);
        });
  }

  /** The file {@code key} as of {@code commit} (full id or unique prefix): path, meta, bytes. */
  public CatalogFile fileAt(String branch, String key, String commit) {
    if (!commit.matches("[0-9a-fA-F]{4,40}")) {
      throw new CatalogException(CatalogException.Reason.INVALID, "not a commit id: " + commit);
    }
    return mongo(
        () -> {
          boolean saved = false;
          for (CatalogKeys.FileName n : CatalogKeys.FileName.candidates(space(), branch, key)) {
            Optional<Document> manifest = store.manifest(n.mongoCollection(), commit.toLowerCase());
            if (manifest.isEmpty()) {
              continue;
            }
            saved = true;
            for (Document f : manifest.get().getList("files", Document.class, List.of())) {
              if (!key.equals(f.getString("key"))) {
                continue;
              }
              var meta = EntryCodec.meta(f.get("meta", Document.class));
              byte[] bytes =
                  store
                      .findFile(n)
                      .filter(
                          d -> meta.hash().equals(d.get("meta", Document.class).getString("hash")))
                      .map(EntryCodec::content)
                      .or(() -> store.blob(meta.hash()))
                      .orElseThrow(
                          () ->
                              new CatalogException(
                                  CatalogException.Reason.NOT_FOUND,
                                  "the content of " + key + " (" + meta.hash() + ") is missing"));
              Document content = new Document();
              EntryCodec.putContent(content, bytes);
              return new CatalogFile(
                  n,
                  f.getString("path"),
                  meta,
                  content.getString("data"),
                  content.get("raw") == null ? null : bytes,
                  manifest.get().getString("_id"),
                  false,
                  null,
                  null,
                  null);
            }
          }
          throw new CatalogException(
              CatalogException.Reason.NOT_FOUND,
              saved
                  ? key + " was not saved at commit " + commit
                  : "no save of " + key + " on " + branch + " at commit " + commit);
        });
  }

  /** What {@link #genFile} wrote. */
  public record FileGenReport(CatalogKeys.FileName name, String commit, Path file, String md5) {}

  /**
   * Writes a file that is not a function into {@code targetDir/<its committed path>} exactly as
   * committed (md5 verified).
   *
   * @param commit a commit id or prefix, or {@code null} for the current save
   */
  public FileGenReport genFile(String branch, String key, String commit, Path targetDir) {
    CatalogFile f;
    if (commit == null) {
      f =
          file(branch, key)
              .orElseThrow(
                  () ->
                      new CatalogException(
                          CatalogException.Reason.NOT_FOUND,
                          key
                              + " is not in the catalog for branch "
                              + branch
                              + " in space "
                              + space()
                              + " (gf save --all saves it)"));
      if (f.removed()) {
        throw new CatalogException(
            CatalogException.Reason.REMOVED,
            key
                + " was removed from "
                + branch
                + " at commit "
                + abbrev(f.removedIn())
                + "; regenerate an older version with --commit");
      }
    } else {
      f = fileAt(branch, key, commit);
    }
    Path file = targetDir.resolve(f.path()).normalize();
    if (!file.startsWith(targetDir.normalize())) {
      throw new CatalogException(CatalogException.Reason.INVALID, "unsafe path " + f.path());
    }
    writeVerified(file, f.bytes(), f.meta().hash(), key);
    return new FileGenReport(f.name(), f.commit(), file, f.meta().hash());
  }

  /** Writes {@code bytes} atomically and checks the md5 before and after. */
  private static void writeVerified(Path file, byte[] bytes, String expected, String what) {
    if (!ScanRules.md5(bytes).equals(expected)) {
      throw new CatalogException(
          CatalogException.Reason.HASH_MISMATCH,
          "the catalog's copy of " + what + " does not match its md5 " + expected);
    }
    Path dir = file.getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".gf-gen-", ".tmp");
      try {
        Files.write(tmp, bytes);
        try {
          Files.move(
              tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      String written = ScanRules.md5(Files.readAllBytes(file));
      if (!written.equals(expected)) {
        throw new CatalogException(
            CatalogException.Reason.HASH_MISMATCH,
            file + " has md5 " + written + " after writing, expected " + expected);
      }
    } catch (IOException e) {
      throw new CatalogException(
          CatalogException.Reason.IO, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Sets a function's free-text description (searchable); the function must be saved. */
  public void describe(FunctionName name, String text) {
    mongo(
        () -> {
          if (!store.setDescription(name, text, new Date())) {
            throw new CatalogException(
                CatalogException.Reason.NOT_FOUND,
                name.callName()
                    + " is not in the catalog for branch "
                    + name.branch()
                    + " (save it first)");
          }
          store.bumpRevision();
          return null;
        });
    if (cache != null) {
      cache.invalidate(List.of(CatalogKeys.cacheKey(name)));
    }
  }

  /**
   * The best functions for a free-text query (names, docstrings, descriptions, code; Chinese and
   * English), optionally only on one branch.
   */
  public List<CatalogIndex.Hit> search(String query, int limit, String branch) {
    if (limit < 1) {
      throw new CatalogException(CatalogException.Reason.INVALID, "--limit must be at least 1");
    }
    long revision = mongo(store::revision);
    try {
      CatalogIndex idx = index();
      if (idx.revision() != revision) {
        idx.replaceAll(currentItems(), revision);
      }
      return idx.search(query, limit, branch);
    } catch (RuntimeException e) {
      if (!(e.getCause() instanceof LockObtainFailedException)) {
        throw e;
      }
      // Another gf is writing the local index: search a private in-memory copy.
      try (CatalogIndex mem = CatalogIndex.inMemory()) {
        mem.replaceAll(currentItems(), revision);
        return mem.search(query, limit, branch);
      }
    }
  }

  private List<CatalogIndex.Item> currentItems() {
    List<CatalogIndex.Item> items = new ArrayList<>();
    mongo(
        () -> {
          store.forEachCurrent(
              d -> {
                if (EntryCodec.isFile(d)) {
                  CatalogFile f = EntryCodec.file(config.space(), d);
                  items.add(CatalogIndex.Item.file(f.name(), f.data()));
                  return;
                }
                CatalogEntry e = EntryCodec.entry(config.space(), d);
                items.add(new CatalogIndex.Item(e.name(), e.doc(), e.description(), e.data()));
              });
          return null;
        });
    return items;
  }

  private synchronized CatalogIndex index() {
    if (index == null) {
      try {
        Files.createDirectories(indexDir);
      } catch (IOException e) {
        throw new CatalogException(
            CatalogException.Reason.IO, "cannot create " + indexDir + ": " + e.getMessage(), e);
      }
      index = CatalogIndex.open(indexDir);
    }
    return index;
  }

  /** What {@link #gen} wrote. */
  public record GenReport(FunctionName name, String commit, Path file, Path initPy, String md5) {}

  /**
   * Writes the function's file into {@code targetDir/<package>/} exactly as committed (md5
   * verified) and regenerates that package's {@code __init__.py}.
   *
   * @param commit a commit id or prefix, or {@code null} for the current save
   */
  public GenReport gen(FunctionName name, String commit, Path targetDir) {
    CatalogEntry entry;
    if (commit == null) {
      entry = require(name);
      if (entry.removed()) {
        throw new CatalogException(
            CatalogException.Reason.REMOVED,
            name.callName()
                + " was removed from "
                + name.branch()
                + " at commit "
                + abbrev(entry.removedIn())
                + "; regenerate an older version with --commit");
      }
    } else {
      entry = getAt(name, commit);
    }
    String expected = entry.meta().hash();
    Path pkgDir = targetDir.resolve(name.pkg());
    Path file = pkgDir.resolve(entry.meta().name());
    writeVerified(file, entry.bytes(), expected, name.callName());
    Path init = InitPy.write(pkgDir);
    return new GenReport(name, entry.commit(), file, init, expected);
  }

  private <T> T mongo(Supplier<T> work) {
    try {
      return work.get();
    } catch (MongoException e) {
      throw unavailable(config, e);
    }
  }

  private static CatalogException unavailable(CatalogConfig config, MongoException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (why.length() > 160) {
      why = why.substring(0, 157) + "...";
    }
    return new CatalogException(
        CatalogException.Reason.MONGO_UNAVAILABLE,
        "MongoDB at " + config.describeLocation() + " is unavailable: " + CatalogConfig.redact(why),
        null);
  }

  static String abbrev(String commit) {
    return commit == null ? "?" : commit.substring(0, Math.min(7, commit.length()));
  }

  private static String indexKey(CatalogConfig config) {
    String id =
        (config.isEmbedded()
                ? "embedded:" + config.embeddedFile()
                : CatalogConfig.redact(config.mongoUri()))
            + "|"
            + config.space();
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort while failing for another reason
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closeQuietly(index);
    }
    closeQuietly(cache);
    client.close();
    closeQuietly(embedded);
  }
}
