package io.globalfunc.core.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FileMeta;
import io.globalfunc.core.naming.FunctionName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One function as the catalog holds it: the file's exact content and metadata at a commit, what
 * Python says of it, and the free-text description people gave it.
 *
 * @param raw the exact bytes when they are not valid UTF-8 (then {@code data} is lossy), else null
 * @param signature null when the file defines no callable of its name
 * @param removed true when the function left its branch (still readable at older commits)
 * @param removedIn the commit of the release that no longer had it, or null
 * @param schema {@code {"input": ..., "output": ...}} JSON Schemas derived from the code, or null
 */
public record CatalogEntry(
    FunctionName name,
    String path,
    FileMeta meta,
    String data,
    byte[] raw,
    String commit,
    boolean callable,
    String kind,
    FunctionInfo.Signature signature,
    String doc,
    String description,
    boolean removed,
    String removedIn,
    Instant createdAt,
    Instant updatedAt,
    JsonNode schema) {

  /**
   * A function's file as a past commit had it: path, metadata and exact content only (what Python
   * said of it and its description belong to the current document, not to history).
   */
  public static CatalogEntry atCommit(
      FunctionName name, String path, FileMeta meta, String data, byte[] raw, String commit) {
    return new CatalogEntry(
        name, path, meta, data, raw, commit, false, null, null, null, null, false, null, null, null,
        null);
  }

  /** The file's exact bytes. */
  public byte[] bytes() {
    return raw != null ? raw : data.getBytes(StandardCharsets.UTF_8);
  }

  /** First line of the docstring (or of the description), for listings. */
  public String summary() {
    String text = description != null && !description.isBlank() ? description : doc;
    if (text == null) {
      return "";
    }
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 100 ? line.substring(0, 97) + "..." : line;
  }
}
