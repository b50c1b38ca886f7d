package io.globalfunc.core.catalog;

import io.globalfunc.core.catalog.search.CatalogIndex;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.naming.CatalogKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * What a save writes into one home collection, given what it held: contents displaced (to keep in
 * {@code _blobs}), documents to upsert, the commit's manifest, and what the cache and the search
 * index must learn. A pure value.
 *
 * @param displaced ids whose current content changes and must first move to {@code _blobs}
 * @param docs documents to upsert (new or changed content)
 * @param newIds ids of {@code docs} the collection did not hold
 * @param manifest the commit's functions: id → path and meta
 * @param fileManifest the commit's other files: key, path and meta
 * @param unchanged documents whose content is already current
 * @param notCallable function files that define no callable of their name
 * @param cacheKeys cache entries the written functions invalidate
 * @param indexed what the search index learns
 * @param schemas schemas for current documents saved before schemas existed: id → JSON or null
 */
record HomeWrite(
    List<String> displaced,
    List<Document> docs,
    Set<String> newIds,
    Map<String, Document> manifest,
    List<Document> fileManifest,
    int unchanged,
    int notCallable,
    Set<String> cacheKeys,
    List<CatalogIndex.Item> indexed,
    Map<String, String> schemas) {

  /** Documents whose content differs from what the collection held (new included). */
  int changed() {
    return docs.size();
  }

  /** The write of {@code slots} into a collection that held {@code before}. */
  static HomeWrite plan(
      List<SavePlan.Slot> slots,
      Map<String, MongoCatalogStore.Held> before,
      Map<FunctionRef, FunctionInfo> infos,
      String commit) {
    List<String> displaced = new ArrayList<>();
    for (SavePlan.Slot sl : slots) {
      MongoCatalogStore.Held old = before.get(sl.id());
      if (old != null && !sl.file().meta().hash().equals(old.hash())) {
        displaced.add(sl.id());
      }
    }
    HomeWrite w =
        new HomeWrite(
            displaced,
            new ArrayList<>(),
            new HashSet<>(),
            new LinkedHashMap<>(),
            new ArrayList<>(),
            0,
            0,
            new HashSet<>(),
            new ArrayList<>(),
            new LinkedHashMap<>());
    int unchanged = 0;
    int notCallable = 0;
    for (SavePlan.Slot sl : slots) {
      FunctionInfo info = sl.function() == null ? null : infos.get(sl.file().functionRef().get());
      if (sl.function() != null && (info == null || !info.callable())) {
        notCallable++;
      }
      w.record(sl);
      MongoCatalogStore.Held old = before.get(sl.id());
      if (old != null && !old.removed() && sl.file().meta().hash().equals(old.hash())) {
        // Same content: the document (and its commit, the save that brought this content)
        // stays; the commit's manifest still records that the release has it.
        unchanged++;
        if (sl.function() != null && !old.hasSchema()) {
          w.schemas.put(sl.id(), info == null ? null : EntryCodec.schemaText(info.schema()));
          w.cacheKeys.add(CatalogKeys.cacheKey(sl.function()));
        }
        continue;
      }
      w.write(sl, info, commit, old == null);
    }
    return new HomeWrite(
        displaced,
        w.docs,
        w.newIds,
        w.manifest,
        w.fileManifest,
        unchanged,
        notCallable,
        w.cacheKeys,
        w.indexed,
        w.schemas);
  }

  /** Lists the slot in the commit's manifest. */
  private void record(SavePlan.Slot sl) {
    LibraryFile f = sl.file();
    if (sl.function() != null) {
      manifest.put(
          sl.id(), new Document("path", f.path()).append("meta", EntryCodec.meta(f.meta())));
    } else {
      fileManifest.add(
          new Document("key", sl.id())
              .append("path", f.path())
              .append("meta", EntryCodec.meta(f.meta())));
    }
  }

  /** Adds the slot's document and what the cache and index learn from it. */
  private void write(SavePlan.Slot sl, FunctionInfo info, String commit, boolean isNew) {
    LibraryFile f = sl.file();
    Document d =
        sl.function() != null
            ? EntryCodec.savedFields(sl.function(), f, commit, info)
            : EntryCodec.savedFileFields(sl.other(), f, commit);
    d.put("_id", sl.id());
    if (isNew) {
      newIds.add(sl.id());
    }
    docs.add(d);
    if (sl.function() != null) {
      cacheKeys.add(CatalogKeys.cacheKey(sl.function()));
      indexed.add(
          new CatalogIndex.Item(sl.function(), info == null ? null : info.doc(), null, f.text()));
    } else {
      indexed.add(CatalogIndex.Item.file(sl.other(), f.text()));
    }
  }
}
