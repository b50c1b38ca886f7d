package io.globalfunc.core.catalog;

import org.bson.Document;

/**
 * A space belongs to one repository, identified by the root commit of its history (the same in
 * every clone, different in an unrelated repository): the first save claims the space, and a save
 * from another repository is refused instead of marking the first one's functions removed.
 *
 * @param root the repository's root commit (first-parent history from the saved commit)
 * @param origin where the repository came from (its origin URL or folder), for messages only
 */
public record RepositoryClaim(String root, String origin) {

  /** Claims the space for this repository, or throws when another repository owns it. */
  void claim(CatalogBackend backend) {
    Document recorded =
        backend.mongo(
            () ->
                backend.store.claimRepository(new Document("root", root).append("origin", origin)));
    String owner = recorded.getString("root");
    if (owner != null && !owner.equals(root)) {
      String space = backend.space();
      throw new CatalogException(
          CatalogException.Reason.CONFLICT,
          "space "
              + space
              + " belongs to another repository ("
              + describe(owner, recorded.getString("origin"))
              + "); this one is "
              + describe(root, origin)
              + ". Saving it there would mix two libraries: save it into its own space, e.g."
              + " GF_SPACE="
              + space
              + "_"
              + CatalogBackend.abbrev(root)
              + " gf save --all",
          null);
    }
  }

  private static String describe(String root, String origin) {
    return "root commit "
        + CatalogBackend.abbrev(root)
        + (origin == null || origin.isBlank() ? "" : ", " + CatalogConfig.redact(origin));
  }
}
