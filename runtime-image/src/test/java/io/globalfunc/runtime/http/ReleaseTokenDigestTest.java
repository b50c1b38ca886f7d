package io.globalfunc.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseTokenDigestTest {

  @TempDir Path tmp;

  @Test
  void theDigestFileIsReadAgainOnEachUseSoANewTokenIsAcceptedWithoutARestart() throws Exception {
    Path file = tmp.resolve("sha256");
    Files.writeString(file, BearerToken.sha256("old") + "\n");
    ReleaseTokenDigest digest = new ReleaseTokenDigest(file, BearerToken.sha256("old"));
    assertThat(BearerToken.refusal("Bearer old", digest.current())).isEmpty();

    // A kubelet swaps a mounted Secret atomically: a new file moved over the old one.
    Path next = tmp.resolve("next");
    Files.writeString(next, BearerToken.sha256("new"));
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    assertThat(BearerToken.refusal("Bearer new", digest.current())).isEmpty();
    assertThat(BearerToken.refusal("Bearer old", digest.current())).isPresent();
  }

  @Test
  void anUnreadableOrEmptyFileKeepsTheLastDigestAndNeverOpensTheRoute() throws Exception {
    Path file = tmp.resolve("sha256");
    Files.writeString(file, BearerToken.sha256("t"));
    ReleaseTokenDigest digest = new ReleaseTokenDigest(file, null);
    assertThat(digest.current()).isEqualTo(BearerToken.sha256("t"));
    Files.writeString(file, "  \n");
    assertThat(digest.current()).isEqualTo(BearerToken.sha256("t"));
    Files.delete(file);
    assertThat(digest.current()).isEqualTo(BearerToken.sha256("t"));
    assertThat(BearerToken.refusal("Bearer other", digest.current())).isPresent();
  }

  @Test
  void withoutAFileTheDigestKnownAtStartStays() {
    assertThat(new ReleaseTokenDigest(null, "abc").current()).isEqualTo("abc");
    assertThat(new ReleaseTokenDigest(null, null).current()).isNull();
  }
}
