package io.globalfunc.operator.release;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.globalfunc.core.catalog.RepositoryClaim;
import io.globalfunc.core.error.GlobalFuncException;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.introspect.PythonIntrospector;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.GitCredentials;
import io.globalfunc.core.library.GitLibraryReader;
import io.globalfunc.core.library.Library;
import io.globalfunc.operator.common.Reason;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads what a FunctionRelease names: its credentials Secret, the branch (or pinned commit) with
 * JGit, the library at that commit (a package subset if asked) and its introspected functions.
 * Throws on failure; the reconciler turns each failure into a condition reason.
 */
final class ReleaseSource {

  /**
   * The library at one commit with what the introspector found in it, and the repository's claim on
   * a catalog space (its root commit, as {@code gf save} makes it).
   */
  record Snapshot(
      GitLibraryReader.Resolved resolved,
      Library library,
      Map<FunctionRef, FunctionInfo> infos,
      RepositoryClaim repository) {

    int callable() {
      return (int) infos.values().stream().filter(FunctionInfo::callable).count();
    }
  }

  /** A missing credentials Secret. */
  static class MissingSecretException extends GlobalFuncException {
    MissingSecretException(String message) {
      super(Reason.SECRET_NOT_FOUND, message, null);
    }
  }

  private final KubernetesClient client;
  private final GitLibraryReader git;
  private final PythonIntrospector introspector;
  private final Path cacheRoot;
  private final IntrospectionCache introspected = new IntrospectionCache(64);

  ReleaseSource(
      KubernetesClient client,
      GitLibraryReader git,
      PythonIntrospector introspector,
      Path cacheRoot) {
    this.client = client;
    this.git = git;
    this.introspector = introspector;
    this.cacheRoot = cacheRoot;
  }

  /** Fetches, reads and introspects the release's library (introspected once per commit). */
  Snapshot read(FunctionRelease release) {
    FunctionReleaseSpec spec = release.getSpec();
    String url = spec.getRepository().getUrl();
    GitLibraryReader.Resolved resolved =
        git.fetch(
            url,
            spec.getBranch(),
            pinned(spec) ? spec.getCommit() : null,
            credentials(release),
            cacheRoot);
    String origin = GitLibraryReader.redact(url);
    Library library = subset(git.read(resolved, origin), spec.getPackages());
    return new Snapshot(
        resolved,
        library,
        introspected.describe(library, introspector::describe),
        new RepositoryClaim(git.rootCommit(resolved), origin));
  }

  static boolean pinned(FunctionReleaseSpec spec) {
    return spec.getCommit() != null && !spec.getCommit().isBlank();
  }

  private GitCredentials credentials(FunctionRelease release) {
    var ref = release.getSpec().getRepository().getSecretRef();
    if (ref == null || ref.getName() == null) {
      return null;
    }
    Secret secret =
        client
            .secrets()
            .inNamespace(release.getMetadata().getNamespace())
            .withName(ref.getName())
            .get();
    if (secret == null) {
      throw new MissingSecretException("Secret " + ref.getName() + " not found");
    }
    return GitSecrets.credentials(secret);
  }

  static Library subset(Library library, List<String> packages) {
    if (packages == null || packages.isEmpty()) {
      return library;
    }
    return new Library(
        library.source(),
        library.branch(),
        library.commit(),
        library.files().stream()
            .filter(f -> packages.stream().anyMatch(p -> f.path().startsWith(p + "/")))
            .toList());
  }
}
