package io.globalfunc.operator.support;

import java.nio.file.Path;

/** Files of this repository (crds/, charts/, examples/) as the build sees them. */
public final class RepoFiles {

  private RepoFiles() {}

  /** The repository root, from the {@code gf.repo.root} property the build sets. */
  public static Path root() {
    String root = System.getProperty("gf.repo.root");
    return (root == null ? Path.of("..") : Path.of(root)).toAbsolutePath().normalize();
  }

  public static Path resolve(String relative) {
    return root().resolve(relative);
  }
}
