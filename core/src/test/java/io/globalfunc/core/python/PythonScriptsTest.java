package io.globalfunc.core.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonScriptsTest {

  @TempDir Path tmp;
  @TempDir Path elsewhere;

  private List<Path> folders() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("gf-python-")).toList();
    }
  }

  @Test
  void everyJvmSharesOneFolderPerScriptVersionSoAKilledOneLeavesNothingBehind() throws Exception {
    Path first = PythonScripts.INTROSPECT.unpackInto(tmp);
    Path again = PythonScripts.INTROSPECT.unpackInto(tmp);
    assertThat(again).isEqualTo(first);
    assertThat(first.getFileName().toString()).isEqualTo("gf_introspect.py");
    assertThat(first.resolveSibling("gf_schema.py")).isRegularFile();
    assertThat(Files.getPosixFilePermissions(first.getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    PythonScripts.WORKER.unpackInto(tmp);
    assertThat(folders()).hasSize(2); // one per script, however many unpacks
  }

  @Test
  void aPatchedScriptIsWrittenAgainBeforeItIsUsed() throws Exception {
    Path worker = PythonScripts.WORKER.unpackInto(tmp);
    byte[] shipped = Files.readAllBytes(worker);
    Files.writeString(worker, "print('forged')\n");
    assertThat(PythonScripts.WORKER.unpackInto(tmp)).isEqualTo(worker);
    assertThat(Files.readAllBytes(worker)).isEqualTo(shipped);
  }

  @Test
  void aNameTakenByAnythingButThisUsersPrivateFolderIsNotUsed() throws Exception {
    Path shared = PythonScripts.WORKER.unpackInto(tmp).getParent();
    String name = shared.getFileName().toString();

    // Open to others: another user could have planted it or be reading it.
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path open = PythonScripts.WORKER.unpackInto(tmp).getParent();
    assertThat(open).isNotEqualTo(shared).startsWith(tmp);
    assertThat(Files.getPosixFilePermissions(open))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    // A link to somewhere else is not followed.
    try (Stream<Path> s = Files.walk(shared)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    Files.createSymbolicLink(tmp.resolve(name), elsewhere);
    Path linked = PythonScripts.WORKER.unpackInto(tmp).getParent();
    assertThat(linked.getFileName().toString()).isNotEqualTo(name);
    try (Stream<Path> s = Files.list(elsewhere)) {
      assertThat(s.toList()).isEmpty();
    }
  }
}
