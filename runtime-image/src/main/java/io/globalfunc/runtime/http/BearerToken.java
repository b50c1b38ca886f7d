package io.globalfunc.runtime.http;

import io.globalfunc.core.error.Problem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks an {@code Authorization: Bearer} header against the SHA-256 digest of the token a route
 * requires. Pure. Only the digest needs to be where the runtime (and so the release's own Python
 * code) runs: a function that reads it cannot turn it back into the token. Digests are compared in
 * constant time.
 */
public final class BearerToken {

  private static final String SCHEME = "bearer ";

  private BearerToken() {}

  /** The lower-case hex SHA-256 of a token, as the operator stores it beside the token. */
  public static String sha256(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Why {@code header} does not authorize a request needing the token whose SHA-256 is {@code
   * expectedSha256} (hex; {@code null}: no token required): {@link Problem#UNAUTHORIZED} without a
   * bearer token, {@link Problem#FORBIDDEN} with another one; empty when it does.
   */
  public static Optional<Problem> refusal(String header, String expectedSha256) {
    if (expectedSha256 == null) {
      return Optional.empty();
    }
    if (header == null
        || header.length() <= SCHEME.length()
        || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Optional.of(Problem.UNAUTHORIZED);
    }
    byte[] given =
        sha256(header.substring(SCHEME.length()).strip()).getBytes(StandardCharsets.UTF_8);
    byte[] expected =
        expectedSha256.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    boolean same = MessageDigest.isEqual(given, expected);
    return same ? Optional.empty() : Optional.of(Problem.FORBIDDEN);
  }
}
