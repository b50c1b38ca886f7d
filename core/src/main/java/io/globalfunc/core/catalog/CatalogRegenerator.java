package io.globalfunc.core.catalog;

import io.globalfunc.core.library.ScanRules;
import io.globalfunc.core.naming.FunctionName;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes catalogued files back to disk exactly as committed: the md5 is checked before and after an
 * atomic write, and a function's package gets its {@code __init__.py} regenerated.
 */
final class CatalogRegenerator {

  private final CatalogReads reads;
  private final String space;

  CatalogRegenerator(CatalogReads reads, String space) {
    this.reads = reads;
    this.space = space;
  }

  /** Writes the function's file into {@code targetDir/<package>/} and its {@code __init__.py}. */
  Catalog.GenReport gen(FunctionName name, String commit, Path targetDir) {
    CatalogEntry entry;
    if (commit == null) {
      entry = reads.require(name);
      if (entry.removed()) {
        throw removed(name.callName(), name.branch(), entry.removedIn());
      }
    } else {
      entry = reads.getAt(name, commit);
    }
    String expected = entry.meta().hash();
    Path pkgDir = targetDir.resolve(name.pkg());
    Path file = pkgDir.resolve(entry.meta().name());
    writeVerified(file, entry.bytes(), expected, name.callName());
    Path init = InitPy.write(pkgDir);
    return new Catalog.GenReport(name, entry.commit(), file, init, expected);
  }

  /** Writes a file that is not a function into {@code targetDir/<its committed path>}. */
  Catalog.FileGenReport genFile(String branch, String key, String commit, Path targetDir) {
    CatalogFile f;
    if (commit == null) {
      f =
          reads
              .file(branch, key)
              .orElseThrow(
                  () ->
                      new CatalogException(
                          CatalogException.Reason.NOT_FOUND,
                          key
                              + " is not in the catalog for branch "
                              + branch
                              + " in space "
                              + space
                              + " (gf save --all saves it)"));
      if (f.removed()) {
        throw removed(key, branch, f.removedIn());
      }
    } else {
      f = reads.fileAt(branch, key, commit);
    }
    Path file = targetDir.resolve(f.path()).normalize();
    if (!file.startsWith(targetDir.normalize())) {
      throw new CatalogException(CatalogException.Reason.INVALID, "unsafe path " + f.path());
    }
    writeVerified(file, f.bytes(), f.meta().hash(), key);
    return new Catalog.FileGenReport(f.name(), f.commit(), file, f.meta().hash());
  }

  private static CatalogException removed(String what, String branch, String removedIn) {
    return new CatalogException(
        CatalogException.Reason.REMOVED,
        what
            + " was removed from "
            + branch
            + " at commit "
            + CatalogBackend.abbrev(removedIn)
            + "; regenerate an older version with --commit");
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
}
