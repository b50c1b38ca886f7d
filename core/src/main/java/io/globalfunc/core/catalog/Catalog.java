package io.globalfunc.core.catalog;

import io.globalfunc.core.catalog.search.CatalogIndex;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.naming.CatalogKeys;
import io.globalfunc.core.naming.FunctionName;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The function catalog: MongoDB as the durable store under three-tier names, Redis as the read
 * cache, a local Lucene index for search, and regeneration of committed files. This facade is what
 * the CLI and the operator call; each job lives in its own part: {@link CatalogBackend}
 * (connections), {@link SavePlan} and {@link CatalogSave} (saves), {@link CatalogReads}, {@link
 * CatalogRegenerator} ({@code gen}) and {@link SearchIndexSync}.
 */
public final class Catalog implements AutoCloseable {

  private final CatalogBackend backend;
  private final SearchIndexSync search;
  private final CatalogReads reads;
  private final CatalogRegenerator regenerator;

  /** Null for the owner of the connections; else what {@link #close()} runs instead. */
  private final Runnable giveBack;

  private Catalog(CatalogBackend backend) {
    this.backend = backend;
    this.search = new SearchIndexSync(backend);
    this.reads = new CatalogReads(backend);
    this.regenerator = new CatalogRegenerator(reads, backend.space());
    this.giveBack = null;
  }

  private Catalog(Catalog owner, Runnable giveBack) {
    this.backend = owner.backend;
    this.search = owner.search;
    this.reads = owner.reads;
    this.regenerator = owner.regenerator;
    this.giveBack = giveBack;
  }

  /**
   * This open catalog lent out: the same connections, and {@link #close()} runs {@code giveBack}
   * instead of closing them (the gf daemon keeps one catalog open across commands).
   */
  public Catalog lend(Runnable giveBack) {
    return new Catalog(this, giveBack);
  }

  /**
   * What to run while the embedded catalog's file is locked by another process, before each wait:
   * it may ask the holder (an idle gf daemon) to let go. Replaces the previous hook; {@code null}
   * removes it.
   */
  public static void whenEmbeddedLocked(java.util.function.Consumer<Path> askHolder) {
    EmbeddedMongo.whenLocked(askHolder);
  }

  /**
   * Connects to the configured MongoDB (or starts the embedded catalog) and, when configured, to
   * Redis. MongoDB must answer; Redis may be down (reads then go to MongoDB).
   *
   * @throws CatalogException {@code MONGO_UNAVAILABLE} when MongoDB does not answer in time
   */
  public static Catalog connect(CatalogConfig config) {
    return new Catalog(CatalogBackend.connect(config));
  }

  public CatalogConfig config() {
    return backend.config;
  }

  public String space() {
    return backend.space();
  }

  /** True when a Redis cache is configured and answered a PING just now. */
  public boolean cacheAvailable() {
    return backend.cache != null && backend.cache.ping();
  }

  /**
   * Saves a whole release: every {@code package/name.py} of {@code library} at its commit, with
   * what introspection said of it. Idempotent; functions of the branch that the release no longer
   * has are marked removed (they stay readable at older commits). The space is claimed for {@code
   * repository} first: every save names the repository it comes from, so no save path can mix two
   * repositories in one space.
   *
   * @param repository the repository the library was read from; its first save claims the space
   * @param library read through Git, so it has a branch and a commit
   * @param infos introspection results keyed by function; a missing entry saves the file as not
   *     callable
   * @throws CatalogException {@code CONFLICT} when the space belongs to another repository; nothing
   *     is written then
   */
  public SaveReport saveRelease(
      RepositoryClaim repository, Library library, Map<FunctionRef, FunctionInfo> infos) {
    return saveRelease(repository, library, infos, SaveListener.NONE);
  }

  /** As {@link #saveRelease(RepositoryClaim, Library, Map)}, reporting progress. */
  public SaveReport saveRelease(
      RepositoryClaim repository,
      Library library,
      Map<FunctionRef, FunctionInfo> infos,
      SaveListener listener) {
    repository.claim(backend);
    return save(SavePlan.of(space(), library, null), infos, listener);
  }

  /**
   * Saves only {@code refs} of the release (the space claimed for {@code repository} first, as
   * {@link #saveRelease(RepositoryClaim, Library, Map)}); nothing is marked removed.
   */
  public SaveReport saveFunctions(
      RepositoryClaim repository,
      Library library,
      Map<FunctionRef, FunctionInfo> infos,
      Collection<FunctionRef> refs) {
    Set<String> paths = new HashSet<>();
    for (FunctionRef ref : refs) {
      if (library.file(ref.path()).isEmpty()) {
        throw new CatalogException(
            CatalogException.Reason.NOT_FOUND,
            ref.callName()
                + " is not in the committed tree of "
                + library.branch()
                + " at "
                + CatalogBackend.abbrev(library.commit())
                + " (no "
                + ref.path()
                + "; commit it first)");
      }
      paths.add(ref.path());
    }
    repository.claim(backend);
    return save(SavePlan.of(space(), library, paths), infos, SaveListener.NONE);
  }

  private SaveReport save(
      SavePlan plan, Map<FunctionRef, FunctionInfo> infos, SaveListener listener) {
    return new CatalogSave(backend, search, plan, infos, listener).run();
  }

  /** The current entry of a function (through the cache), if the catalog has it. */
  public Optional<CatalogEntry> get(FunctionName name) {
    return reads.get(name);
  }

  /** The current entry, or a {@code NOT_FOUND} failure naming what is missing. */
  public CatalogEntry require(FunctionName name) {
    return reads.require(name);
  }

  /**
   * The function as of {@code commit} (full id or unique prefix): path, metadata and exact bytes.
   */
  public CatalogEntry getAt(FunctionName name, String commit) {
    return reads.getAt(name, commit);
  }

  /** Functions saved for {@code branch} (all packages, or one), without their contents. */
  public List<CatalogEntry> list(String branch, String pkg) {
    return reads.list(branch, pkg);
  }

  /**
   * Files saved for {@code branch} that are not functions (all, or those of one package), without
   * their contents, in key order.
   */
  public List<CatalogFile> listFiles(String branch, String pkg) {
    return reads.listFiles(branch, pkg);
  }

  /** The current version of a file that is not a function, by its scan key (e.g. remark.md). */
  public Optional<CatalogFile> file(String branch, String key) {
    return reads.file(branch, key);
  }

  /** The file {@code key} as of {@code commit} (full id or unique prefix): path, meta, bytes. */
  public CatalogFile fileAt(String branch, String key, String commit) {
    return reads.fileAt(branch, key, commit);
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
    return regenerator.genFile(branch, key, commit, targetDir);
  }

  /** Sets a function's free-text description (searchable); the function must be saved. */
  public void describe(FunctionName name, String text) {
    reads.describe(name, text);
  }

  /**
   * The best functions for a free-text query (names, docstrings, descriptions, code; Chinese and
   * English), optionally only on one branch.
   */
  public List<CatalogIndex.Hit> search(String query, int limit, String branch) {
    return search.search(query, limit, branch);
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
    return regenerator.gen(name, commit, targetDir);
  }

  @Override
  public void close() {
    if (giveBack != null) {
      giveBack.run();
      return;
    }
    search.close();
    backend.close();
  }
}
