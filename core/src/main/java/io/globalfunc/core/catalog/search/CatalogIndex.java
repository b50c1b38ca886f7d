package io.globalfunc.core.catalog.search;

import io.globalfunc.core.naming.CatalogKeys;
import io.globalfunc.core.naming.FunctionName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * A Lucene index of the catalog's current functions: names, docstrings, descriptions and code,
 * ranked with BM25. It is derived data: it records the catalog revision it reflects, and the
 * catalog rebuilds it from MongoDB when another writer moved the revision on.
 */
public final class CatalogIndex implements AutoCloseable {

  private static final String REVISION = "gf.revision";
  private static final Map<String, Float> FIELDS =
      Map.of("name", 4f, "description", 3f, "doc", 2f, "code", 1f);

  private final Directory directory;
  private final Analyzer indexAnalyzer = new CodeAnalyzer(true);
  private final Analyzer queryAnalyzer = new CodeAnalyzer(false);
  private DirectoryReader reader;

  /** One function (or, with {@code file} set and {@code name} null, another file) to index. */
  public record Item(
      FunctionName name, CatalogKeys.FileName file, String doc, String description, String code) {

    /** A function to index. */
    public Item(FunctionName name, String doc, String description, String code) {
      this(name, null, doc, description, code);
    }

    /** A file that is not a function, indexed by its key and text. */
    public static Item file(CatalogKeys.FileName file, String text) {
      return new Item(null, file, null, null, text);
    }

    /** The unique id in the index: the function's or the file's full name. */
    public String id() {
      return file != null ? file.fullName() : name.fullName();
    }
  }

  /**
   * One search result, best first: a function ({@code name}) or a file that is not a function
   * ({@code file}, then {@code name} is null).
   */
  public record Hit(FunctionName name, CatalogKeys.FileName file, String summary, float score) {

    /** A function hit. */
    public Hit(FunctionName name, String summary, float score) {
      this(name, null, summary, score);
    }

    /** How people name it: {@code package.function}, or the file's scan key. */
    public String display() {
      return file != null ? file.key() : name.callName();
    }

    public String branch() {
      return file != null ? file.branch() : name.branch();
    }

    public String fullName() {
      return file != null ? file.fullName() : name.fullName();
    }

    public boolean callable() {
      return file == null;
    }
  }

  private CatalogIndex(Directory directory) {
    this.directory = directory;
  }

  /** An index stored in {@code dir} (created when missing). */
  public static CatalogIndex open(Path dir) {
    try {
      return new CatalogIndex(FSDirectory.open(dir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the search index at " + dir, e);
    }
  }

  /** An index held in memory only. */
  public static CatalogIndex inMemory() {
    return new CatalogIndex(new ByteBuffersDirectory());
  }

  /** The catalog revision the index reflects, or -1 when it was never built. */
  public synchronized long revision() {
    try {
      if (!DirectoryReader.indexExists(directory)) {
        return -1;
      }
      DirectoryReader r = reader();
      String rev = r.getIndexCommit().getUserData().get(REVISION);
      return rev == null ? -1 : Long.parseLong(rev);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the whole index with {@code items}, recording {@code revision}. */
  public synchronized void replaceAll(Iterable<Item> items, long revision) {
    write(
        w -> {
          w.deleteAll();
          for (Item item : items) {
            w.addDocument(document(item));
          }
        },
        revision);
  }

  /** Adds or replaces {@code upserts}, deletes {@code deletes}, recording {@code revision}. */
  public synchronized void update(
      Collection<Item> upserts, Collection<String> deleteIds, long revision) {
    write(
        w -> {
          for (String id : deleteIds) {
            w.deleteDocuments(new Term("id", id));
          }
          for (Item item : upserts) {
            w.updateDocument(new Term("id", item.id()), document(item));
          }
        },
        revision);
  }

  /** The best {@code limit} functions for a free-text query, optionally on one branch. */
  public synchronized List<Hit> search(String text, int limit, String branch) {
    Query query = query(text);
    List<Hit> hits = new ArrayList<>();
    if (query == null) {
      return hits;
    }
    try {
      if (!DirectoryReader.indexExists(directory)) {
        return hits;
      }
      IndexSearcher searcher = new IndexSearcher(reader());
      Query q = query;
      if (branch != null) {
        q =
            new BooleanQuery.Builder()
                .add(query, BooleanClause.Occur.MUST)
                .add(new TermQuery(new Term("branch", branch)), BooleanClause.Occur.FILTER)
                .build();
      }
      TopDocs top = searcher.search(q, Math.max(1, limit));
      var stored = searcher.storedFields();
      for (ScoreDoc sd : top.scoreDocs) {
        Document d = stored.document(sd.doc);
        hits.add(
            d.get("file") != null
                ? new Hit(null, CatalogKeys.FileName.parse(d.get("id")), d.get("summary"), sd.score)
                : new Hit(FunctionName.parse(d.get("id")), d.get("summary"), sd.score));
      }
      return hits;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Per query word the best-matching field counts; more words matched ranks higher. */
  private Query query(String text) {
    Set<String> terms = new LinkedHashSet<>();
    String full = text + " " + CodeAnalyzer.identifierWords(text);
    try (TokenStream ts = queryAnalyzer.tokenStream("q", full)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        terms.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (terms.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String t : terms) {
      List<Query> perField = new ArrayList<>();
      FIELDS.forEach(
          (field, boost) -> perField.add(new BoostQuery(new TermQuery(new Term(field, t)), boost)));
      b.add(new DisjunctionMaxQuery(perField, 0.1f), BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  private Document document(Item item) {
    if (item.file() != null) {
      CatalogKeys.FileName f = item.file();
      Document d = new Document();
      d.add(new StringField("id", f.fullName(), Field.Store.YES));
      d.add(new StoredField("file", "1"));
      d.add(new StringField("branch", f.branch(), Field.Store.NO));
      d.add(
          new TextField(
              "name", f.key() + " " + CodeAnalyzer.identifierWords(f.key()), Field.Store.NO));
      if (item.code() != null) {
        d.add(
            new TextField(
                "code",
                item.code() + "\n" + CodeAnalyzer.identifierWords(item.code()),
                Field.Store.NO));
      }
      d.add(new StoredField("summary", firstLine(item.code())));
      return d;
    }
    FunctionName n = item.name();
    Document d = new Document();
    d.add(new StringField("id", n.fullName(), Field.Store.YES));
    d.add(new StringField("branch", n.branch(), Field.Store.NO));
    String name = n.function() + " " + n.pkg() + " " + CodeAnalyzer.identifierWords(n.function());
    d.add(new TextField("name", name, Field.Store.NO));
    if (item.doc() != null) {
      d.add(new TextField("doc", item.doc(), Field.Store.NO));
    }
    if (item.description() != null) {
      d.add(new TextField("description", item.description(), Field.Store.NO));
    }
    if (item.code() != null) {
      d.add(
          new TextField(
              "code",
              item.code() + "\n" + CodeAnalyzer.identifierWords(item.code()),
              Field.Store.NO));
    }
    d.add(new StoredField("summary", summary(item)));
    return d;
  }

  private static String summary(Item item) {
    String text =
        item.description() != null && !item.description().isBlank()
            ? item.description()
            : item.doc();
    return firstLine(text);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 100 ? line.substring(0, 97) + "..." : line;
  }

  /** Changes applied under one index writer, committed together. */
  private interface Writes {
    void apply(IndexWriter w) throws IOException;
  }

  private void write(Writes writes, long revision) {
    IndexWriterConfig config =
        new IndexWriterConfig(indexAnalyzer)
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
            .setRAMBufferSizeMB(64);
    try (IndexWriter w = new IndexWriter(directory, config)) {
      writes.apply(w);
      w.setLiveCommitData(Map.of(REVISION, Long.toString(revision)).entrySet());
      w.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the search index: " + e.getMessage(), e);
    }
  }

  private DirectoryReader reader() throws IOException {
    if (reader == null) {
      reader = DirectoryReader.open(directory);
    } else {
      DirectoryReader newer = DirectoryReader.openIfChanged(reader);
      if (newer != null) {
        reader.close();
        reader = newer;
      }
    }
    return reader;
  }

  @Override
  public synchronized void close() {
    try {
      if (reader != null) {
        reader.close();
      }
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
