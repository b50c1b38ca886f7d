package io.globalfunc.core.library;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.eclipse.jgit.util.FS;

/**
 * Where Git's system-wide configuration is, found the way git itself places it, so JGit does not
 * ask: JGit otherwise runs {@code git --version} and {@code git config --system --show-origin} in
 * two processes at the first repository it opens, most of a short gf command's time.
 */
public final class GitSystemConfig {

  private GitSystemConfig() {}

  /** Tells JGit where the system configuration is (idempotent; before any repository opens). */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    locate(System.getenv(), Files::isExecutable).ifPresent(FS.DETECTED::setGitSystemConfig);
  }

  private static boolean installed;

  /**
   * The system configuration file for {@code env}: {@code GIT_CONFIG_SYSTEM} when set, else {@code
   * <prefix>/etc/gitconfig} of the first {@code git} on {@code PATH} at {@code <prefix>/bin/git},
   * {@code /etc/gitconfig} for the prefix {@code /usr} (git's own rule for its {@code sysconfdir}).
   * Empty when no git is on the PATH: JGit then looks for itself. The file need not exist (then
   * there is no system configuration, as for git).
   */
  static Optional<java.io.File> locate(Map<String, String> env, Predicate<Path> isExecutable) {
    String explicit = env.get("GIT_CONFIG_SYSTEM");
    if (explicit != null && !explicit.isEmpty()) {
      return Optional.of(new java.io.File(explicit));
    }
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path bin = Path.of(dir).toAbsolutePath().normalize();
      if (!isExecutable.test(bin.resolve("git"))) {
        continue;
      }
      Path prefix = bin.getParent();
      if (prefix == null || !bin.getFileName().toString().equals("bin")) {
        return Optional.empty();
      }
      Path etc = prefix.toString().equals("/usr") ? Path.of("/etc") : prefix.resolve("etc");
      return Optional.of(etc.resolve("gitconfig").toFile());
    }
    return Optional.empty();
  }
}
