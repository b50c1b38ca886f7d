package io.globalfunc.runtime.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The SHA-256 of the release token {@code POST /v1/release} requires, read afresh from {@code
 * GF_RELEASE_TOKEN_SHA256_FILE} on each use: the operator gives a worker a new token when its
 * Secret was deleted, and a kubelet rewrites a mounted Secret in place, so a digest read once at
 * start would refuse the new token until a restart. A file that cannot be read (or is empty) keeps
 * the last digest: a mounted Secret is swapped atomically, so that is a transient state, and the
 * route never opens because of it.
 */
final class ReleaseTokenDigest {

  private static final Logger LOG = Logger.getLogger(ReleaseTokenDigest.class);

  private final Path file;
  private volatile String last;

  /**
   * @param file the digest file (null: no file, {@code initial} is fixed)
   * @param initial the digest known at start (from the config), null when none is required
   */
  ReleaseTokenDigest(Path file, String initial) {
    this.file = file;
    this.last = initial;
  }

  /** The digest the route requires now; null when no token is required. */
  String current() {
    if (file == null) {
      return last;
    }
    try {
      String digest = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!digest.isEmpty()) {
        last = digest;
      }
    } catch (IOException e) {
      LOG.warnf("cannot read %s (%s); keeping the last release-token digest", file, e.toString());
    }
    return last;
  }
}
