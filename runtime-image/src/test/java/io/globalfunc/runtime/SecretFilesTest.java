package io.globalfunc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {

  @TempDir Path tmp;

  @Test
  void fileVariablesBecomeSettingsAndMissingFilesAreUnset() throws Exception {
    Path token = Files.writeString(tmp.resolve("token"), "s3cret\n");
    Map<String, String> read =
        SecretFiles.read(
            Map.of(
                "GF_GIT_TOKEN_FILE", token.toString(),
                "GF_REDIS_URI_FILE", tmp.resolve("absent").toString(),
                "OTHER_FILE", token.toString()));
    assertThat(read).containsExactly(Map.entry("gf.git-token", "s3cret"));
    assertThat(SecretFiles.property("GF_REDIS_URI")).isEqualTo("gf.redis-uri");
  }

  @Test
  void anUnreadableFileIsAnError() {
    assertThatThrownBy(() -> SecretFiles.read(Map.of("GF_GIT_TOKEN_FILE", tmp.toString())))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(tmp.toString());
  }

  @Test
  void plainSecretsInTheEnvironmentAreNamed() {
    assertThat(SecretFiles.plainSecrets(Map.of("GF_REDIS_URI", "redis://x", "PATH", "/bin")))
        .containsExactly("GF_REDIS_URI");
  }
}
