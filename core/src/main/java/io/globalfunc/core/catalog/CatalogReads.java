package io.globalfunc.core.catalog;

import io.globalfunc.core.library.FileMeta;
import io.globalfunc.core.naming.CatalogKeys;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.naming.FunctionName.PackageBranch;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * Reads of the catalog: current entries (functions through the Redis cache), past versions from a
 * commit's manifest, listings; and the one small write that is not a save, a description.
 */
final class CatalogReads {

  private final CatalogBackend backend;
  private final MongoCatalogStore store;
  private final RedisCache cache;

  CatalogReads(CatalogBackend backend) {
    this.backend = backend;
    this.store = backend.store;
    this.cache = backend.cache;
  }

  /** The current entry of a function (through the cache), if the catalog has it. */
  Optional<CatalogEntry> get(FunctionName name) {
    String key = CatalogKeys.cacheKey(name);
    if (cache != null) {
      Optional<String> hit = cache.get(key);
      if (hit.isPresent()) {
        return Optional.of(EntryCodec.entry(backend.space(), Document.parse(hit.get())));
      }
    }
    Optional<Document> doc = backend.mongo(() -> store.find(name));
    if (doc.isPresent() && cache != null) {
      cache.put(key, doc.get().toJson());
    }
    return doc.map(d -> EntryCodec.entry(backend.space(), d));
  }

  /** The current entry, or a {@code NOT_FOUND} failure naming what is missing. */
  CatalogEntry require(FunctionName name) {
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

  /** The function as of {@code commit} (full id or unique prefix). */
  CatalogEntry getAt(FunctionName name, String commit) {
    requireCommitId(commit);
    PackageBranch pb = PackageBranch.of(name.pkg(), name.branch());
    return backend.mongo(
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
                name.callName()
                    + " was not saved at commit "
                    + CatalogBackend.abbrev(manifest.getString("_id")));
          }
          FileMeta meta = EntryCodec.meta(f.get("meta", Document.class));
          byte[] bytes = content(store.find(name), meta, name.callName());
          Document content = textOf(bytes);
          return CatalogEntry.atCommit(
              name,
              f.getString("path"),
              meta,
              content.getString("data"),
              content.get("raw") == null ? null : bytes,
              manifest.getString("_id"));
        });
  }

  /** Functions saved for {@code branch} (all packages, or one), without their contents. */
  List<CatalogEntry> list(String branch, String pkg) {
    return backend.mongo(
        () -> {
          List<CatalogEntry> out = new ArrayList<>();
          for (PackageBranch pb : store.tiers(branch)) {
            if (pkg != null && !pb.pkg().equals(pkg)) {
              continue;
            }
            for (Document d : store.list(pb)) {
              d.put("data", "");
              out.add(EntryCodec.entry(backend.space(), d));
            }
          }
          return out;
        });
  }

  /** Files of {@code branch} that are not functions (all, or one package's), in key order. */
  List<CatalogFile> listFiles(String branch, String pkg) {
    return backend.mongo(
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
              out.add(EntryCodec.file(backend.space(), d));
            }
          }
          out.sort((a, b) -> a.name().key().compareTo(b.name().key()));
          return out;
        });
  }

  /** The current version of a file that is not a function, by its scan key. */
  Optional<CatalogFile> file(String branch, String key) {
    return backend.mongo(
        () -> {
          CatalogFile removed = null;
          for (CatalogKeys.FileName n :
              CatalogKeys.FileName.candidates(backend.space(), branch, key)) {
            Optional<Document> d = store.findFile(n);
            if (d.isPresent()) {
              CatalogFile f = EntryCodec.file(backend.space(), d.get());
              if (!f.removed()) {
                return Optional.of(f);
              }
              removed = f;
            }
          }
          return Optional.ofNullable(removed);
        });
  }

  /** The file {@code key} as of {@code commit} (full id or unique prefix). */
  CatalogFile fileAt(String branch, String key, String commit) {
    requireCommitId(commit);
    return backend.mongo(
        () -> {
          boolean saved = false;
          for (CatalogKeys.FileName n :
              CatalogKeys.FileName.candidates(backend.space(), branch, key)) {
            Optional<Document> manifest = store.manifest(n.mongoCollection(), commit.toLowerCase());
            if (manifest.isEmpty()) {
              continue;
            }
            saved = true;
            for (Document f : manifest.get().getList("files", Document.class, List.of())) {
              if (key.equals(f.getString("key"))) {
                return fileOf(n, f, manifest.get().getString("_id"), key);
              }
            }
          }
          throw new CatalogException(
              CatalogException.Reason.NOT_FOUND,
              saved
                  ? key + " was not saved at commit " + commit
                  : "no save of " + key + " on " + branch + " at commit " + commit);
        });
  }

  /** The file a manifest line names, with its content. */
  private CatalogFile fileOf(CatalogKeys.FileName n, Document line, String commit, String key) {
    FileMeta meta = EntryCodec.meta(line.get("meta", Document.class));
    byte[] bytes = content(store.findFile(n), meta, key);
    Document content = textOf(bytes);
    return CatalogFile.atCommit(
        n,
        line.getString("path"),
        meta,
        content.getString("data"),
        content.get("raw") == null ? null : bytes,
        commit);
  }

  /** Sets a function's free-text description (searchable); the function must be saved. */
  void describe(FunctionName name, String text) {
    backend.mongo(
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
   * The bytes of a past version: from the current document when it still has that content, else
   * from {@code _blobs}, where a save moved it before replacing it.
   */
  private byte[] content(Optional<Document> current, FileMeta meta, String what) {
    return current
        .filter(d -> meta.hash().equals(d.get("meta", Document.class).getString("hash")))
        .map(EntryCodec::content)
        .or(() -> store.blob(meta.hash()))
        .orElseThrow(
            () ->
                new CatalogException(
                    CatalogException.Reason.NOT_FOUND,
                    "the content of " + what + " (" + meta.hash() + ") is missing"));
  }

  /** {@code data} and {@code raw} as a document holds them. */
  private static Document textOf(byte[] bytes) {
    Document content = new Document();
    EntryCodec.putContent(content, bytes);
    return content;
  }

  private static void requireCommitId(String commit) {
    if (!commit.matches("[0-9a-fA-F]{4,40}")) {
      throw new CatalogException(CatalogException.Reason.INVALID, "not a commit id: " + commit);
    }
  }
}
