package io.globalfunc.runtime.library;

import io.globalfunc.core.versions.RefPolicy;
import io.globalfunc.core.versions.RefResolver;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The Git repository refs are resolved in and commits read from, read-only: the runtime's own
 * mirror (refreshed by fetching with the runtime's credentials), a shared mirror kept by a fetch
 * agent (asked over HTTP; the runtime never holds credentials), or a local repository.
 */
final class Mirror implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Mirror.class);

  /** Brings the mirror up to date, or fetches one ref into it; may block on the network. */
  interface Refresher {
    void refresh(String ref) throws Exception;
  }

  private final Path gitDir;
  private final String source;
  private final Refresher refresher;
  private long lastRefreshEnd;

  /** Opened on first use: a fetch agent started with the runtime may still be writing it. */
  private RefResolver resolver;

  private Mirror(Path gitDir, String source, Refresher refresher) {
    this.gitDir = gitDir;
    this.source = source;
    this.refresher = refresher;
  }

  /** A mirror refreshed by {@code refresher} ({@code null}: never refreshed). */
  static Mirror of(Path gitDir, String source, Refresher refresher) {
    return new Mirror(gitDir, source, refresher);
  }

  /**
   * The resolver, opening the repository on first use (after one refresh when it is not there yet);
   * throws while there is still no repository, so the caller's request fails and a later one tries
   * again.
   */
  private synchronized RefResolver resolver() {
    if (resolver == null) {
      if (!Files.isDirectory(gitDir.resolve("refs")) && refresher != null) {
        refresh("HEAD", System.nanoTime());
      }
      resolver = RefResolver.open(gitDir);
    }
    return resolver;
  }

  /** A refresher that asks a fetch agent on localhost to fetch a ref into the shared mirror. */
  static Refresher agent(String agentUrl, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return ref -> {
      String base = agentUrl.endsWith("/") ? agentUrl : agentUrl + "/";
      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create(
                      base + "v1/fetch?ref=" + URLEncoder.encode(ref, StandardCharsets.UTF_8)))
              .timeout(timeout)
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() / 100 != 2) {
        throw new IllegalStateException("fetch agent answered " + res.statusCode());
      }
    };
  }

  Path gitDir() {
    return gitDir;
  }

  /** Where the library comes from, for people. */
  String source() {
    return source;
  }

  /** Resolves a ref; on a miss, refreshes the mirror once and tries again. */
  Optional<RefResolver.Resolved> resolve(String ref) {
    long asked = System.nanoTime();
    Optional<RefResolver.Resolved> r = resolver().resolve(ref);
    if (r.isEmpty() && refresher != null) {
      refresh(ref, asked);
      r = resolver().resolve(ref);
    }
    return r;
  }

  /** Resolves a ref after bringing the mirror up to date (a branch may have moved). */
  Optional<RefResolver.Resolved> resolveFresh(String ref) {
    if (refresher != null) {
      refresh(ref, System.nanoTime());
    }
    return resolver().resolve(ref);
  }

  /**
   * The commit a ref names when the policy allows it (the release's commit always is); else a
   * {@link RefException}: {@code UNKNOWN_REF} or {@code REF_NOT_ALLOWED}.
   */
  String allowedCommit(String ref, boolean fresh, RefPolicy policy, String releaseCommit) {
    RefResolver.Resolved r =
        (fresh ? resolveFresh(ref) : resolve(ref))
            .orElseThrow(
                () ->
                    new RefException(
                        RefException.Reason.UNKNOWN_REF,
                        "no branch, tag or commit " + ref + " in " + source));
    boolean isRelease = r.kind() == RefResolver.Kind.COMMIT && r.commit().equals(releaseCommit);
    if (!isRelease && !resolver().allowed(r, policy)) {
      throw new RefException(
          RefException.Reason.REF_NOT_ALLOWED,
          "ref "
              + ref
              + " is not served by this release (GF_REFS: "
              + policy
              + "; commits must be reachable from an allowed branch or tag)");
    }
    return r.commit();
  }

  /**
   * One fetch at a time; a caller that waited while another fetch ran after it asked takes that
   * fetch's result, so a burst of calls to a missing ref costs one fetch.
   */
  private synchronized void refresh(String ref, long askedNanos) {
    if (lastRefreshEnd - askedNanos > 0) {
      return;
    }
    try {
      refresher.refresh(ref);
    } catch (Exception e) {
      LOG.warnf("cannot refresh the Git mirror for %s: %s", ref, e.getMessage());
    } finally {
      lastRefreshEnd = System.nanoTime();
    }
  }

  @Override
  public synchronized void close() {
    if (resolver != null) {
      resolver.close();
    }
  }
}
