package io.globalfunc.runtime.http;

import io.globalfunc.core.error.Problem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Checks an {@code Authorization: Bearer} header against the token a route requires. Pure; the
 * comparison takes the same time whatever prefix matches, so the token cannot be guessed by timing.
 */
public final class BearerToken {

  private static final String SCHEME = "bearer ";

  private BearerToken() {}

  /**
   * Why {@code header} does not authorize a request needing {@code expected} ({@code null}: no
   * token required): {@link Problem#UNAUTHORIZED} without a bearer token, {@link Problem#FORBIDDEN}
   * with another one; empty when it does.
   */
  public static Optional<Problem> refusal(String header, String expected) {
    if (expected == null) {
      return Optional.empty();
    }
    if (header == null
        || header.length() <= SCHEME.length()
        || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Optional.of(Problem.UNAUTHORIZED);
    }
    byte[] given = header.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
    boolean same = MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8));
    return same ? Optional.empty() : Optional.of(Problem.FORBIDDEN);
  }
}
