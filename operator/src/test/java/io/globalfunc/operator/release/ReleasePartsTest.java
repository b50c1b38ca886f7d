package io.globalfunc.operator.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.globalfunc.core.library.GitCredentials;
import io.globalfunc.core.library.LibraryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The pure parts of release handling: durations, secrets, reasons, validation. */
class ReleasePartsTest {

  @Test
  void durations() {
    assertThat(Durations.parse("90s", null)).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("1h30m", null)).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("soon", Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void secretsWithFluxStyleKeys() {
    var basic =
        new SecretBuilder()
            .withNewMetadata()
            .withName("s")
            .endMetadata()
            .addToData("username", b64("andy"))
            .addToData("password", b64("pw"))
            .build();
    assertThat(GitSecrets.credentials(basic)).isEqualTo(new GitCredentials("andy", "pw"));
    assertThat(GitSecrets.credentials(basic).toString()).doesNotContain("pw]");
    var token =
        new SecretBuilder()
            .withNewMetadata()
            .withName("s")
            .endMetadata()
            .addToStringData("token", "tok")
            .build();
    assertThat(GitSecrets.credentials(token).password()).isEqualTo("tok");
    var empty = new SecretBuilder().withNewMetadata().withName("s").endMetadata().build();
    assertThatThrownBy(() -> GitSecrets.credentials(empty))
        .hasMessageContaining("username and password, or token");
  }

  @Test
  void everyLibraryFailureHasAConditionReason() {
    for (LibraryException.Reason r : LibraryException.Reason.values()) {
      assertThat(ReleaseStatusAggregator.reason(r).label()).matches("[A-Z][A-Za-z]+");
    }
    assertThat(ReleaseStatusAggregator.reason(LibraryException.Reason.BRANCH_NOT_FOUND).label())
        .isEqualTo("BranchNotFound");
    assertThat(
            ReleaseStatusAggregator.reason(LibraryException.Reason.AUTHENTICATION_FAILED).label())
        .isEqualTo("AuthenticationFailed");
  }

  @Test
  void validation() {
    FunctionReleaseSpec spec = new FunctionReleaseSpec();
    assertThat(ReleaseSpecValidator.problems(spec)).hasSize(2);
    FunctionReleaseSpec.Repository repo = new FunctionReleaseSpec.Repository();
    repo.setUrl("ssh://git@host/x.git");
    spec.setRepository(repo);
    spec.setBranch("master");
    spec.setCommit("XYZ");
    assertThat(ReleaseSpecValidator.problems(spec)).hasSize(2);
    repo.setUrl("https://host/x.git");
    spec.setCommit(null);
    assertThat(ReleaseSpecValidator.problems(spec)).isEmpty();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
