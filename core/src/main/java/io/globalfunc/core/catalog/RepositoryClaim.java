package io.globalfunc.core.catalog;

import org.bson.Document;

/**
 * A space belongs to one repository, identified by the root commit of its history (the same in
 * every clone, different in an unrelated repository): the first save claims the space, and a save
 * from another repository is refused instead of marking the first one's functions removed. Every
 * save path ({@code gf save}, a FunctionRelease through the operator) passes one to {@link
 * Catalog#saveRelease}; the root is {@link io.globalfunc.core.library.GitLibraryReader#rootCommit}.
 *
 * @param root the repository's root commit (first-parent history from the saved commit)
 * @param origin where the repository came from (its origin URL or folder), for messages only
 */
public record RepositoryClaim(String root, String origin) {

  /**
   * A save refused because the space belongs to another repository ({@code CONFLICT}); its message
   * tells a {@code gf} user what to do, {@link #conflict()} and {@link #ownSpace()} let other
   * callers word their own advice.
   */
  public static final class Refused extends CatalogException {

    private final String conflict;
    private final String ownSpace;

    Refused(String conflict, String ownSpace) {
      super(
          CatalogException.Reason.CONFLICT,
          conflict
              + ". Saving it there would mix two libraries: save it into its own space, e.g."
              + " GF_SPACE="
              + ownSpace
              + " gf save --all");
      this.conflict = conflict;
      this.ownSpace = ownSpace;
    }

    /** Which repository owns the space and which one was refused, without advice. */
    public String conflict() {
      return conflict;
    }

    /** A space name the refused repository could use instead. */
    public String ownSpace() {
      return ownSpace;
    }
  }

  /** Claims the space for this repository, or throws {@link Refused} when another owns it. */
  void claim(CatalogBackend backend) {
    Document recorded =
        backend.mongo(
            () ->
                backend.store.claimRepository(new Document("root", root).append("origin", origin)));
    String owner = recorded.getString("root");
    if (owner != null && !owner.equals(root)) {
      String space = backend.space();
      throw new Refused(
          "space "
              + space
              + " belongs to another repository ("
              + describe(owner, recorded.getString("origin"))
              + "); this one is "
              + describe(root, origin),
          space + "_" + CatalogBackend.abbrev(root));
    }
  }

  private static String describe(String root, String origin) {
    return "root commit "
        + CatalogBackend.abbrev(root)
        + (origin == null || origin.isBlank() ? "" : ", " + CatalogConfig.redact(origin));
  }
}
