package io.globalfunc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/gf picks its java: the default java with the build's AppCDS archive, or the java GF_JAVA
 * names, with the build's AOT cache when it was made for that JDK (scripts/cli-cds.sh).
 */
class GfLauncherIT {

  @TempDir static Path tmp;
  static Path repo;
  static GfProcess gf;
  static Path launcher;
  static Path target;

  @BeforeAll
  static void setUp() throws Exception {
    repo = tmp.resolve("lib");
    GfCliIT.examplesRepo(repo);
    gf = new GfProcess(tmp.resolve("home"));
    target = GfProcess.jar().getParent();
    launcher = target.getParent().getParent().resolve("bin/gf");
    assertThat(gf.exec(repo, List.of(launcher.toString(), "save", "--all")).exit()).isZero();
  }

  private GfProcess.Result list(String gfJava) {
    return new GfProcess(tmp.resolve("home"))
        .env("GF_JAVA", gfJava)
        .exec(repo, List.of(launcher.toString(), "list"));
  }

  @Test
  void gfJavaNamesTheJavaAndTheBuildsAotCacheServesIt() throws Exception {
    Path recorded = target.resolve("gf.aot.java");
    assumeTrue(Files.isRegularFile(recorded), "the build found no JDK 25+ for an AOT cache");
    String java = Files.readString(recorded).strip();
    Path home = Path.of(java).getParent().getParent();
    for (String named : List.of(java, home.toString())) {
      GfProcess.Result r = list(named);
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.out()).as(r.toString()).contains("Util.mean");
      // The embedded catalog's netty uses sun.misc.Unsafe, which JDK 24+ warns about on stderr.
      assertThat(r.err()).as(r.toString()).isEmpty();
    }
    GfProcess.Result traced =
        new GfProcess(tmp.resolve("home"))
            .env("GF_JAVA", java)
            .exec(repo, List.of("bash", "-x", launcher.toString(), "branch"));
    assertThat(traced.err()).contains("-XX:AOTCache=" + target.resolve("gf.aot"));
  }

  @Test
  void theDefaultJavaStartsWithTheAppCdsArchive() {
    GfProcess.Result traced = gf.exec(repo, List.of("bash", "-x", launcher.toString(), "branch"));
    assertThat(traced.exit()).as(traced.toString()).isZero();
    assertThat(traced.out()).isEqualTo("master\n");
    assertThat(traced.err()).contains("exec java ").doesNotContain("AOTCache");
    if (Files.isRegularFile(target.resolve("gf.jsa"))) {
      assertThat(traced.err()).contains("-XX:SharedArchiveFile=" + target.resolve("gf.jsa"));
    }
  }

  @Test
  void aGfJavaThatIsNoJavaIsOneClearLine() {
    GfProcess.Result r = list(tmp.resolve("nowhere").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "gf: GF_JAVA=" + tmp.resolve("nowhere") + " is neither a java nor a JDK folder\n");
  }
}
