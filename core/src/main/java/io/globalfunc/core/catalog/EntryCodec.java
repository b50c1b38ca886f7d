package io.globalfunc.core.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FileMeta;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.naming.CatalogKeys;
import io.globalfunc.core.naming.FunctionName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.Binary;

/** Maps catalog entries to and from their MongoDB documents (the documented shape, §6). */
final class EntryCodec {

  private EntryCodec() {}

  /** The fields a save sets (everything but {@code _id}, {@code description} and timestamps). */
  static Document savedFields(
      FunctionName name, LibraryFile file, String commit, FunctionInfo info) {
    Document d = new Document();
    d.put("package", name.pkg());
    d.put("branch", name.branch());
    d.put("path", file.path());
    d.put("meta", meta(file.meta()));
    putContent(d, file.bytes());
    d.put("commit", commit);
    d.put("callable", info != null && info.callable());
    d.put("kind", info == null ? null : info.kind());
    d.put("signature", info == null ? null : signature(info.signature()));
    d.put("doc", info == null ? null : info.doc());
    d.put("schema", info == null ? null : schemaText(info.schema()));
    d.put("error", info == null ? null : info.error());
    d.put("removed", false);
    d.put("removed_in", null);
    return d;
  }

  /** The fields a save sets for a file that is not a function (flagged {@code file: true}). */
  static Document savedFileFields(CatalogKeys.FileName name, LibraryFile file, String commit) {
    Document d = new Document();
    d.put("file", true);
    d.put("key", name.key());
    d.put("package", name.pkg());
    d.put("branch", name.branch());
    d.put("path", file.path());
    d.put("meta", meta(file.meta()));
    putContent(d, file.bytes());
    d.put("commit", commit);
    d.put("callable", false);
    d.put("removed", false);
    d.put("removed_in", null);
    return d;
  }

  /** The file a current file document describes. */
  static CatalogFile file(String space, Document d) {
    Object raw = d.get("raw");
    return new CatalogFile(
        new CatalogKeys.FileName(
            space, d.getString("branch"), d.getString("_id"), d.getString("package")),
        d.getString("path"),
        meta(d.get("meta", Document.class)),
        d.getString("data"),
        raw instanceof Binary b ? b.getData() : null,
        d.getString("commit"),
        Boolean.TRUE.equals(d.getBoolean("removed")),
        d.getString("removed_in"),
        instant(d.get("created_at")),
        instant(d.get("updated_at")));
  }

  /** True for the document of a file that is not a function. */
  static boolean isFile(Document d) {
    return Boolean.TRUE.equals(d.getBoolean("file"));
  }

  /** {@code data} (text) and, when the bytes are not valid UTF-8, {@code raw} (exact bytes). */
  static void putContent(Document d, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    d.put("data", text);
    boolean exact = Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes);
    d.put("raw", exact ? null : new Binary(bytes));
  }

  static byte[] content(Document d) {
    Object raw = d.get("raw");
    if (raw instanceof Binary b) {
      return b.getData();
    }
    if (raw instanceof byte[] b) {
      return b;
    }
    return d.getString("data").getBytes(StandardCharsets.UTF_8);
  }

  static Document meta(FileMeta m) {
    return new Document("hash", m.hash())
        .append("modified_time", m.modifiedTime())
        .append("line_count", m.lineCount())
        .append("name", m.name());
  }

  static FileMeta meta(Document m) {
    Number lines = m.get("line_count", Number.class);
    return new FileMeta(
        m.getString("hash"),
        m.getString("modified_time"),
        lines == null ? 0 : lines.intValue(),
        m.getString("name"));
  }

  static Document signature(FunctionInfo.Signature s) {
    if (s == null) {
      return null;
    }
    List<Document> params = new ArrayList<>();
    for (FunctionInfo.Parameter p : s.parameters()) {
      params.add(
          new Document("name", p.name())
              .append("kind", p.kind())
              .append("default", p.defaultValue())
              .append("annotation", p.annotation()));
    }
    return new Document("parameters", params).append("returns", s.returns());
  }

  static FunctionInfo.Signature signature(Document d) {
    if (d == null) {
      return null;
    }
    List<FunctionInfo.Parameter> params = new ArrayList<>();
    for (Document p : d.getList("parameters", Document.class, List.of())) {
      params.add(
          new FunctionInfo.Parameter(
              p.getString("name"),
              p.getString("kind"),
              p.getString("default"),
              p.getString("annotation")));
    }
    return new FunctionInfo.Signature(params, d.getString("returns"));
  }

  /** The entry a current document describes. */
  static CatalogEntry entry(String space, Document d) {
    String pkg = d.getString("package");
    String branch = d.getString("branch");
    FunctionName name = FunctionName.of(space, pkg, branch, d.getString("_id"));
    Object raw = d.get("raw");
    return new CatalogEntry(
        name,
        d.getString("path"),
        meta(d.get("meta", Document.class)),
        d.getString("data"),
        raw instanceof Binary b ? b.getData() : null,
        d.getString("commit"),
        Boolean.TRUE.equals(d.getBoolean("callable")),
        d.getString("kind"),
        signature(d.get("signature", Document.class)),
        d.getString("doc"),
        d.getString("description"),
        Boolean.TRUE.equals(d.getBoolean("removed")),
        d.getString("removed_in"),
        instant(d.get("created_at")),
        instant(d.get("updated_at")),
        schema(d.getString("schema")));
  }

  /**
   * The schema as its JSON text: its keywords start with {@code $} ({@code $schema}), which not
   * every MongoDB-protocol server accepts as a field name.
   */
  static String schemaText(JsonNode schema) {
    return schema == null || schema.isNull() ? null : schema.toString();
  }

  static JsonNode schema(String text) {
    if (text == null) {
      return null;
    }
    try {
      return SCHEMA_JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new CatalogException(
          CatalogException.Reason.INVALID, "a stored schema is not JSON: " + e.getMessage());
    }
  }

  private static final ObjectMapper SCHEMA_JSON = new ObjectMapper();

  private static Instant instant(Object o) {
    return o instanceof Date date ? date.toInstant() : null;
  }
}
