package io.globalfunc.core.catalog;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.globalfunc.core.naming.CatalogKeys;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.naming.FunctionName.PackageBranch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * The durable catalog in MongoDB: database = space, collection = tier 2, {@code _id} = function;
 * plus per-commit manifests ({@code <tier2>.commits}) and md5-keyed contents ({@code _blobs}) so
 * that any saved commit can be regenerated.
 */
final class MongoCatalogStore {

  /** Writes per bulk request: big enough to amortise round trips, small enough for 16 MB. */
  static final int BATCH = 500;

  private final MongoDatabase db;
  private final String space;

  MongoCatalogStore(MongoClient client, String space) {
    this.db = client.getDatabase(space);
    this.space = space;
  }

  String space() {
    return space;
  }

  void ping() {
    db.runCommand(new Document("ping", 1));
  }

  private MongoCollection<Document> functions(PackageBranch pb) {
    return db.getCollection(pb.tier2());
  }

  /** Tier-2 collections of the space, optionally only those of one branch. */
  List<PackageBranch> tiers(String branch) {
    List<PackageBranch> out = new ArrayList<>();
    for (String name : db.listCollectionNames()) {
      CatalogKeys.functionCollection(name)
          .filter(pb -> branch == null || pb.branch().equals(branch))
          .ifPresent(out::add);
    }
    out.sort((a, b) -> a.tier2().compareTo(b.tier2()));
    return out;
  }

  /**
   * What a save needs to know of a held document: its content hash, whether it is removed, and
   * whether it has a {@code schema} field (documents saved before schemas existed have none).
   */
  record Held(String hash, boolean removed, boolean hasSchema) {}

  /** Collections of the space's root-level files, optionally only the one of a branch. */
  List<String> fileCollections(String branch) {
    List<String> out = new ArrayList<>();
    for (String name : db.listCollectionNames()) {
      CatalogKeys.filesCollectionBranch(name)
          .filter(b -> branch == null || b.equals(branch))
          .ifPresent(b -> out.add(name));
    }
    out.sort(null);
    return out;
  }

  /** The documents (functions and files) currently held in {@code coll}, by {@code _id}. */
  Map<String, Held> held(String coll) {
    Map<String, Held> out = new HashMap<>();
    for (Document d :
        db.getCollection(coll)
            .find()
            .projection(Projections.include("meta.hash", "removed", "schema"))) {
      Document meta = d.get("meta", Document.class);
      out.put(
          d.getString("_id"),
          new Held(
              meta == null ? null : meta.getString("hash"),
              Boolean.TRUE.equals(d.getBoolean("removed")),
              d.containsKey("schema")));
    }
    return out;
  }

  /**
   * Sets the {@code schema} of documents whose content is current but that were saved before
   * schemas existed ({@code id} → the schema's JSON text, or null), nothing else: their commit
   * stays the save that brought their content.
   */
  void setSchemas(String collection, Map<String, String> schemas) {
    List<WriteModel<Document>> batch = new ArrayList<>();
    schemas.forEach(
        (id, schema) ->
            batch.add(new UpdateOneModel<>(Filters.eq("_id", id), Updates.set("schema", schema))));
    db.getCollection(collection).bulkWrite(batch, new BulkWriteOptions().ordered(false));
  }

  /**
   * Upserts documents ({@code _id} plus the fields a save sets) in bulk, keeping each document's
   * {@code description} and {@code created_at}; {@code newIds} are not held yet and are inserted.
   * Reports each written batch to {@code progress}.
   */
  void upsert(
      String collection,
      List<Document> docs,
      Set<String> newIds,
      Date now,
      Consumer<Integer> progress) {
    MongoCollection<Document> coll = db.getCollection(collection);
    UpdateOptions upsert = new UpdateOptions().upsert(true);
    for (int from = 0; from < docs.size(); from += BATCH) {
      List<WriteModel<Document>> batch = new ArrayList<>();
      for (Document d : docs.subList(from, Math.min(docs.size(), from + BATCH))) {
        if (newIds.contains(d.getString("_id"))) {
          // Not held yet: a plain insert skips the upsert's lookup. If another writer inserted
          // it meanwhile, the duplicate-key error fails the save and a re-run upserts it.
          Document insert = new Document(d);
          insert.put("created_at", now);
          insert.put("updated_at", now);
          insert.put("description", null);
          batch.add(new InsertOneModel<>(insert));
          continue;
        }
        Document set = new Document(d);
        Object id = set.remove("_id");
        set.put("updated_at", now);
        Bson update =
            Updates.combine(new Document("$set", set), Updates.setOnInsert("created_at", now));
        batch.add(new UpdateOneModel<>(Filters.eq("_id", id), update, upsert));
      }
      coll.bulkWrite(batch, new BulkWriteOptions().ordered(false));
      progress.accept(batch.size());
    }
  }

  /** Marks the documents {@code ids} of {@code coll} as removed at {@code commit}. */
  int markRemoved(String coll, Collection<String> ids, String commit, Date now) {
    Bson filter = Filters.and(Filters.in("_id", new ArrayList<>(ids)), Filters.ne("removed", true));
    return (int)
        db.getCollection(coll)
            .updateMany(
                filter,
                Updates.combine(
                    Updates.set("removed", true),
                    Updates.set("removed_in", commit),
                    Updates.set("updated_at", now)))
            .getModifiedCount();
  }

  Optional<Document> find(FunctionName name) {
    return Optional.ofNullable(
        db.getCollection(name.mongoCollection()).find(Filters.eq("_id", name.mongoId())).first());
  }

  /** The current document of a catalogued file that is not a function. */
  Optional<Document> findFile(CatalogKeys.FileName name) {
    return Optional.ofNullable(
        db.getCollection(name.mongoCollection())
            .find(Filters.and(Filters.eq("_id", name.mongoId()), Filters.eq("file", true)))
            .first());
  }

  /** Current function documents of one tier 2 without their contents, in name order. */
  List<Document> list(PackageBranch pb) {
    List<Document> out = new ArrayList<>();
    functions(pb)
        .find(Filters.ne("file", true))
        .projection(Projections.exclude("data", "raw"))
        .sort(new Document("_id", 1))
        .into(out);
    return out;
  }

  /** Current file documents (not functions) of one collection without contents, by key. */
  List<Document> listFiles(String coll) {
    List<Document> out = new ArrayList<>();
    db.getCollection(coll)
        .find(Filters.eq("file", true))
        .projection(Projections.exclude("data", "raw"))
        .sort(new Document("_id", 1))
        .into(out);
    return out;
  }

  /**
   * Every current, not removed document of the space, functions and files (field {@code file}), for
   * the search index.
   */
  void forEachCurrent(Consumer<Document> sink) {
    List<String> colls = new ArrayList<>();
    tiers(null).forEach(pb -> colls.add(pb.tier2()));
    colls.addAll(fileCollections(null));
    for (String coll : colls) {
      db.getCollection(coll)
          .find(Filters.ne("removed", true))
          .projection(Projections.exclude("raw"))
          .forEach(sink);
    }
  }

  /** Sets the description; false when there is no such function. */
  boolean setDescription(FunctionName name, String text, Date now) {
    return db.getCollection(name.mongoCollection())
            .updateOne(
                Filters.eq("_id", name.mongoId()),
                Updates.combine(Updates.set("description", text), Updates.set("updated_at", now)))
            .getMatchedCount()
        > 0;
  }

  /** {@code md5 -> bytes} of the current contents of {@code ids}. */
  Map<String, byte[]> contents(String coll, Collection<String> ids) {
    Map<String, byte[]> out = new HashMap<>();
    for (Document d :
        db.getCollection(coll)
            .find(Filters.in("_id", new ArrayList<>(ids)))
            .projection(Projections.include("meta.hash", "data", "raw"))) {
      out.put(d.get("meta", Document.class).getString("hash"), EntryCodec.content(d));
    }
    return out;
  }

  /** Stores the contents whose md5 is not stored yet; {@code blobs} maps md5 to bytes. */
  void putBlobs(Map<String, byte[]> blobs) {
    MongoCollection<Document> coll = db.getCollection(CatalogKeys.blobsCollection());
    List<String> hashes = new ArrayList<>(blobs.keySet());
    Set<String> present = new HashSet<>();
    for (int from = 0; from < hashes.size(); from += BATCH) {
      List<String> slice = hashes.subList(from, Math.min(hashes.size(), from + BATCH));
      for (Document d :
          coll.find(Filters.in("_id", slice)).projection(Projections.include("_id"))) {
        present.add(d.getString("_id"));
      }
    }
    List<WriteModel<Document>> batch = new ArrayList<>();
    UpdateOptions upsert = new UpdateOptions().upsert(true);
    for (String hash : hashes) {
      if (present.contains(hash)) {
        continue;
      }
      Document content = new Document();
      EntryCodec.putContent(content, blobs.get(hash));
      // $setOnInsert keeps a concurrent writer of the same content harmless.
      batch.add(
          new UpdateOneModel<>(
              Filters.eq("_id", hash), new Document("$setOnInsert", content), upsert));
      if (batch.size() == BATCH) {
        coll.bulkWrite(batch, new BulkWriteOptions().ordered(false));
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      coll.bulkWrite(batch, new BulkWriteOptions().ordered(false));
    }
  }

  Optional<byte[]> blob(String hash) {
    Document d =
        db.getCollection(CatalogKeys.blobsCollection()).find(Filters.eq("_id", hash)).first();
    return d == null ? Optional.empty() : Optional.of(EntryCodec.content(d));
  }

  /**
   * Records what {@code commit} had in a home collection: {@code functions} maps each name to
   * {@code {path, meta}}, {@code files} lists {@code {key, path, meta}} of the other files (scan
   * keys contain {@code .}, so they are values, not field names). A whole release replaces the
   * manifest; a single save merges functions into it.
   */
  void putManifest(
      String home,
      String branch,
      String commit,
      Map<String, Document> functions,
      List<Document> files,
      boolean whole,
      Date now) {
    MongoCollection<Document> coll = db.getCollection(CatalogKeys.commitsOf(home));
    if (whole) {
      Document doc =
          new Document("_id", commit)
              .append("branch", branch)
              .append("complete", true)
              .append("saved_at", now)
              .append("functions", new Document(functions))
              .append("files", files);
      coll.replaceOne(Filters.eq("_id", commit), doc, new ReplaceOptions().upsert(true));
    } else {
      List<Bson> sets = new ArrayList<>();
      functions.forEach((fn, v) -> sets.add(Updates.set("functions." + fn, v)));
      sets.add(Updates.set("branch", branch));
      sets.add(Updates.set("saved_at", now));
      coll.updateOne(
          Filters.eq("_id", commit), Updates.combine(sets), new UpdateOptions().upsert(true));
    }
  }

  /**
   * The manifest of a commit given in full or as a unique hex prefix; empty when none matches.
   *
   * @throws CatalogException when a prefix matches several commits
   */
  Optional<Document> manifest(String home, String commit) {
    MongoCollection<Document> coll = db.getCollection(CatalogKeys.commitsOf(home));
    if (commit.length() == 40) {
      return Optional.ofNullable(coll.find(Filters.eq("_id", commit)).first());
    }
    List<Document> found = new ArrayList<>();
    coll.find(Filters.regex("_id", "^" + Pattern.quote(commit))).limit(2).into(found);
    if (found.size() > 1) {
      throw new CatalogException(
          CatalogException.Reason.INVALID, "commit prefix " + commit + " is ambiguous");
    }
    return found.stream().findFirst();
  }

  /** Increments the catalog revision (any write that changes what search sees) and returns it. */
  long bumpRevision() {
    Document d =
        db.getCollection(CatalogKeys.metaCollection())
            .findOneAndUpdate(
                Filters.eq("_id", CatalogKeys.revisionId()),
                Updates.inc("n", 1L),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
    return d.get("n", Number.class).longValue();
  }

  long revision() {
    Document d =
        db.getCollection(CatalogKeys.metaCollection())
            .find(Filters.eq("_id", CatalogKeys.revisionId()))
            .first();
    return d == null ? 0 : d.get("n", Number.class).longValue();
  }

  /**
   * The repository this space belongs to: records {@code claim} when the space has none yet and
   * returns what is recorded (the claim, or an earlier one).
   */
  Document claimRepository(Document claim) {
    return db.getCollection(CatalogKeys.metaCollection())
        .findOneAndUpdate(
            Filters.eq("_id", CatalogKeys.repositoryId()),
            Updates.combine(
                Updates.setOnInsert("root", claim.getString("root")),
                Updates.setOnInsert("origin", claim.getString("origin"))),
            new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
  }
}
