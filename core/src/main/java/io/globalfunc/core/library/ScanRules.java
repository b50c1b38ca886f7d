package io.globalfunc.core.library;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The seed's {@code scan_directory} rules, shared by every way of reading a library: which folders
 * and files are catalogued, how their metadata is computed, and which files may be callable.
 */
public final class ScanRules {

  private static final DateTimeFormatter SEED_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private ScanRules() {}

  /** Folders starting with {@code .} or {@code _} are skipped, with everything below them. */
  public static boolean isSkippedFolder(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /**
   * Files starting with {@code .} or {@code _}, {@code __init__.py} and {@code *.pkl} are skipped.
   */
  public static boolean isSkippedFile(String name) {
    return name.startsWith(".")
        || name.startsWith("_")
        || name.equals("__init__.py")
        || name.endsWith(".pkl");
  }

  /**
   * True when every folder of a {@code /}-separated relative path and its file name are kept, or
   * the path is a package's helper module.
   */
  public static boolean isCatalogued(String path) {
    String[] parts = path.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      if (isSkippedFolder(parts[i])) {
        return false;
      }
    }
    return !isSkippedFile(parts[parts.length - 1]) || isPackageHelper(path);
  }

  /**
   * {@code package/_name.py}: a module the package's functions import ({@code from ._util import
   * x}). Never callable, but catalogued (unlike the seed, which skipped it) so that {@code gen} can
   * bring it along with the functions that need it.
   */
  public static boolean isPackageHelper(String path) {
    String[] parts = path.split("/");
    return parts.length == 2
        && !isSkippedFolder(parts[0])
        && parts[1].startsWith("_")
        && !parts[1].startsWith("__")
        && parts[1].endsWith(".py");
  }

  /** {@code package/name.py} with two safe identifiers: a file that may define a callable. */
  public static Optional<FunctionRef> functionRefOf(String path) {
    String[] parts = path.split("/");
    if (parts.length != 2 || !parts[1].endsWith(".py")) {
      return Optional.empty();
    }
    String name = parts[1].substring(0, parts[1].length() - 3);
    if (!FunctionRef.isSafe(parts[0]) || !FunctionRef.isSafe(name)) {
      return Optional.empty();
    }
    return Optional.of(new FunctionRef(parts[0], name));
  }

  /** Metadata exactly as the seed computes it. */
  public static FileMeta meta(String path, byte[] bytes, Instant modified, ZoneId zone) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return new FileMeta(
        md5(bytes), SEED_TIME.format(modified.atZone(zone)), lineCount(bytes), name);
  }

  /** md5 of the bytes, lower-case hex. */
  public static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is always available", e);
    }
  }

  /**
   * Lines as Python counts them in text mode ({@code sum(1 for line in f)}): universal newlines, a
   * last line without a terminator counts.
   */
  public static int lineCount(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int lines = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\n') {
        lines++;
      } else if (c == '\r') {
        lines++;
        if (i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
      }
      i++;
    }
    if (n > 0) {
      char last = text.charAt(n - 1);
      if (last != '\n' && last != '\r') {
        lines++;
      }
    }
    return lines;
  }
}
