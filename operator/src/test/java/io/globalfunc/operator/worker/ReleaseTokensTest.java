package io.globalfunc.operator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ReleaseTokensTest {

  @Test
  void theDigestIsSha256InLowerCaseHexAsTheRuntimeComputesIt() {
    // sha256("abc"), FIPS 180-2 appendix B.1; the runtime's BearerTokenTest pins the same vector.
    assertThat(ReleaseTokens.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void aNewSecretHoldsARandomTokenAndItsDigest() {
    GlobalFuncWorker worker = new GlobalFuncWorker();
    worker.setMetadata(
        new ObjectMetaBuilder().withName("fleet").withNamespace("ns").withUid("u-1").build());
    Secret one = ReleaseTokens.build(worker);
    Secret two = ReleaseTokens.build(worker);
    String token = decode(one, ReleaseTokens.KEY);
    assertThat(token).hasSize(64).isNotEqualTo(decode(two, ReleaseTokens.KEY));
    assertThat(decode(one, ReleaseTokens.SHA256_KEY)).isEqualTo(ReleaseTokens.sha256(token));
    assertThat(one.getMetadata().getName()).isEqualTo("fleet-release-token");
    assertThat(one.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo("u-1");
  }

  private static String decode(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }
}
