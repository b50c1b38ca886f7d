package io.globalfunc.core.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The single owner of how memoised results are spelled: {@code space.~memo.<function md5>:<sha-256
 * of the canonical JSON arguments>}. Tier 2 {@code ~memo} can never be a package (a Python
 * identifier never starts with {@code ~}); keying by the function file's hash, not by its name or
 * commit, means a commit that leaves the file unchanged keeps its results and one that changes it
 * never sees them.
 */
public final class MemoKeys {

  /** Tier 2 of every memoised result. */
  public static final String MEMO = "~memo";

  private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");

  private MemoKeys() {}

  /** The key of one result: the function file's md5 and the canonical JSON of its arguments. */
  public static String result(String space, String functionHash, String canonicalArguments) {
    FunctionName.of(space, "x", "x", "x"); // validates the space through the owner of names
    if (functionHash == null || !MD5.matcher(functionHash).matches()) {
      throw new IllegalArgumentException("not an md5 file hash: " + functionHash);
    }
    return space + "." + MEMO + "." + functionHash + ":" + sha256(canonicalArguments);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
