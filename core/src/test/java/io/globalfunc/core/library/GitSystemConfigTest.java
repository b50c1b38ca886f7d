package io.globalfunc.core.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GitSystemConfigTest {

  private static java.util.Optional<File> locate(Map<String, String> env, String... gits) {
    Set<Path> executables = new java.util.HashSet<>();
    for (String g : gits) {
      executables.add(Path.of(g));
    }
    return GitSystemConfig.locate(env, executables::contains);
  }

  @Test
  void distributionGitReadsEtcGitconfig() {
    assertThat(locate(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin"), "/usr/bin/git"))
        .contains(new File("/etc/gitconfig"));
  }

  @Test
  void anotherPrefixKeepsItsOwnEtc() {
    assertThat(
            locate(
                Map.of("PATH", "/opt/homebrew/bin:/usr/bin"),
                "/opt/homebrew/bin/git",
                "/usr/bin/git"))
        .contains(new File("/opt/homebrew/etc/gitconfig"));
  }

  @Test
  void gitConfigSystemWins() {
    assertThat(
            locate(
                Map.of("PATH", "/usr/bin", "GIT_CONFIG_SYSTEM", "/srv/git/config"), "/usr/bin/git"))
        .contains(new File("/srv/git/config"));
  }

  @Test
  void withoutGitOrOutsideABinFolderJGitLooksForItself() {
    assertThat(locate(Map.of("PATH", "/usr/bin"))).isEmpty();
    assertThat(locate(Map.of("PATH", "/tools/git-2.50"), "/tools/git-2.50/git")).isEmpty();
  }
}
