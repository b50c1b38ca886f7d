package io.globalfunc.core.catalog;

import io.globalfunc.core.catalog.search.CatalogIndex;
import io.globalfunc.core.naming.FunctionName.PackageBranch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.store.LockObtainFailedException;
import org.bson.Document;
import org.jboss.logging.Logger;

/**
 * Keeps the local Lucene index equal to the catalog: rebuilt when its revision is behind MongoDB's,
 * updated in place after a save, and searched. The index is derived data: losing it costs one
 * rebuild.
 */
final class SearchIndexSync implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(SearchIndexSync.class);

  private final CatalogBackend backend;
  private final Path indexDir;
  private CatalogIndex index;

  SearchIndexSync(CatalogBackend backend) {
    this.backend = backend;
    this.indexDir = backend.config.home().resolve("index").resolve(indexKey(backend.config));
  }

  /** The best functions and files for {@code query}, optionally on one branch. */
  List<CatalogIndex.Hit> search(String query, int limit, String branch) {
    if (limit < 1) {
      throw new CatalogException(CatalogException.Reason.INVALID, "--limit must be at least 1");
    }
    long revision = backend.mongo(backend.store::revision);
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

  /** Keeps an existing local index current without a rebuild; descriptions come from MongoDB. */
  void afterSave(List<CatalogIndex.Item> items, List<String> deletes, long revision) {
    if (!Files.isDirectory(indexDir)) {
      return; // no local index yet: the first search builds it
    }
    try {
      CatalogIndex idx = index();
      if (idx.revision() != revision - 1) {
        return;
      }
      Map<String, String> descriptions = descriptions(items);
      List<CatalogIndex.Item> withDescriptions = new ArrayList<>(items.size());
      for (CatalogIndex.Item i : items) {
        withDescriptions.add(
            i.name() == null
                ? i
                : new CatalogIndex.Item(
                    i.name(), i.doc(), descriptions.get(i.name().fullName()), i.code()));
      }
      idx.update(withDescriptions, deletes, revision);
    } catch (RuntimeException e) {
      // The index is derived data; the next search rebuilds it from the catalog.
      LOG.debugf(e, "search index not updated after save");
    }
  }

  /** The descriptions people gave the functions of the packages {@code items} touch. */
  private Map<String, String> descriptions(List<CatalogIndex.Item> items) {
    Map<String, String> descriptions = new HashMap<>();
    Set<PackageBranch> tiers = new HashSet<>();
    items.stream()
        .filter(i -> i.name() != null)
        .forEach(i -> tiers.add(PackageBranch.of(i.name().pkg(), i.name().branch())));
    for (PackageBranch pb : tiers) {
      for (Document d : backend.store.list(pb)) {
        if (d.getString("description") != null) {
          descriptions.put(
              pb.function(backend.space(), d.getString("_id")).fullName(),
              d.getString("description"));
        }
      }
    }
    return descriptions;
  }

  private List<CatalogIndex.Item> currentItems() {
    List<CatalogIndex.Item> items = new ArrayList<>();
    backend.mongo(
        () -> {
          backend.store.forEachCurrent(
              d -> {
                if (EntryCodec.isFile(d)) {
                  CatalogFile f = EntryCodec.file(backend.space(), d);
                  items.add(CatalogIndex.Item.file(f.name(), f.data()));
                  return;
                }
                CatalogEntry e = EntryCodec.entry(backend.space(), d);
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

  /** One index folder per catalog location and space, named without the location's secrets. */
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

  @Override
  public synchronized void close() {
    CatalogBackend.closeQuietly(index);
  }
}
