package io.globalfunc.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.error.Problem;
import org.junit.jupiter.api.Test;

class BearerTokenTest {

  /** The runtime holds only the token's digest. */
  private static final String SECRET = BearerToken.sha256("s3cret");

  @Test
  void theDigestIsSha256InLowerCaseHex() {
    // sha256("abc"), FIPS 180-2 appendix B.1.
    assertThat(BearerToken.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void theTokenItselfIsNotAcceptedAsItsDigestNorTheDigestAsTheToken() {
    assertThat(BearerToken.refusal("Bearer " + SECRET, SECRET)).contains(Problem.FORBIDDEN);
    assertThat(BearerToken.refusal("Bearer s3cret", SECRET.toUpperCase())).isEmpty();
  }

  @Test
  void noTokenRequiredLetsEveryRequestThrough() {
    assertThat(BearerToken.refusal(null, null)).isEmpty();
    assertThat(BearerToken.refusal("Bearer x", null)).isEmpty();
  }

  @Test
  void aMissingOrMalformedHeaderIsUnauthorized() {
    assertThat(BearerToken.refusal(null, SECRET)).contains(Problem.UNAUTHORIZED);
    assertThat(BearerToken.refusal("", SECRET)).contains(Problem.UNAUTHORIZED);
    assertThat(BearerToken.refusal("Bearer ", SECRET)).contains(Problem.UNAUTHORIZED);
    assertThat(BearerToken.refusal("Basic czNjcmV0", SECRET)).contains(Problem.UNAUTHORIZED);
    assertThat(BearerToken.refusal("s3cret", SECRET)).contains(Problem.UNAUTHORIZED);
  }

  @Test
  void anotherTokenIsForbiddenAndTheRightOneInAnyCaseOfTheSchemePasses() {
    assertThat(BearerToken.refusal("Bearer s3cre", SECRET)).contains(Problem.FORBIDDEN);
    assertThat(BearerToken.refusal("Bearer s3cret2", SECRET)).contains(Problem.FORBIDDEN);
    assertThat(BearerToken.refusal("Bearer S3CRET", SECRET)).contains(Problem.FORBIDDEN);
    assertThat(BearerToken.refusal("Bearer s3cret", SECRET)).isEmpty();
    assertThat(BearerToken.refusal("bearer  s3cret ", SECRET)).isEmpty();
  }
}
