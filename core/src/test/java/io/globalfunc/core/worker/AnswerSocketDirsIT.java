package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answer-socket folders left by a killed JVM are removed by the next pool; a folder whose pool
 * still runs (in another process or in this one) never is.
 */
class AnswerSocketDirsIT {

  @TempDir Path tmp;

  /** Run in a child JVM: makes a folder in the given place, prints it, then waits to be killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      AnswerSocketDirs dirs = AnswerSocketDirs.create(Path.of(args[0]));
      System.out.println(dirs.path());
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  @Test
  void theFolderOfAKilledJvmIsRemovedAndALiveOneIsKept() throws Exception {
    Process holder =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                tmp.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      Path held = Path.of(firstLine(holder));
      assertThat(held).isDirectory().hasParent(tmp);

      AnswerSocketDirs.sweepAbandoned(tmp);
      assertThat(held).as("its JVM still runs").isDirectory();

      holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      assertThat(held).as("SIGKILL leaves it behind").isDirectory();
      try (AnswerSocketDirs next = AnswerSocketDirs.create(tmp)) {
        assertThat(held).as("the next pool removes it").doesNotExist();
        assertThat(next.path()).isDirectory();
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void aFolderOfThisJvmAndAForeignFolderAreKeptAndCloseRemovesItsOwn() throws Exception {
    Path foreign = Files.createDirectory(tmp.resolve("gf-answers-made-by-someone-else"));
    try (AnswerSocketDirs first = AnswerSocketDirs.create(tmp)) {
      try (AnswerSocketDirs second = AnswerSocketDirs.create(tmp)) {
        assertThat(first.path()).as("held by another pool of this JVM").isDirectory();
        assertThat(foreign).as("no lock: not made by a pool").isDirectory();
        assertThat(second.path()).isNotEqualTo(first.path());
      }
      assertThat(first.path()).isDirectory();
    }
    try (var left = Files.list(tmp)) {
      assertThat(left).containsExactly(foreign);
    }
  }

  private static String firstLine(Process p) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("the holder printed its folder").isNotNull();
    return line;
  }
}
