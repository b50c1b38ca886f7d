package io.globalfunc.core.catalog;

import io.globalfunc.core.library.FileMeta;
import io.globalfunc.core.naming.CatalogKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A catalogued file that is not a function (e.g. {@code remark.md}, {@code Base/notes.md}): its
 * exact content and metadata at a commit. It is listed and searchable but can never be called.
 *
 * @param raw the exact bytes when they are not valid UTF-8 (then {@code data} is lossy), else null
 * @param removed true when the file left its branch (still readable at older commits)
 */
public record CatalogFile(
    CatalogKeys.FileName name,
    String path,
    FileMeta meta,
    String data,
    byte[] raw,
    String commit,
    boolean removed,
    String removedIn,
    Instant createdAt,
    Instant updatedAt) {

  /** A file as a past commit had it: path, metadata and exact content only. */
  public static CatalogFile atCommit(
      CatalogKeys.FileName name,
      String path,
      FileMeta meta,
      String data,
      byte[] raw,
      String commit) {
    return new CatalogFile(name, path, meta, data, raw, commit, false, null, null, null);
  }

  /** The file's exact bytes. */
  public byte[] bytes() {
    return raw != null ? raw : data.getBytes(StandardCharsets.UTF_8);
  }
}
