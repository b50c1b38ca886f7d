package io.globalfunc.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.globalfunc.core.error.Problem;
import org.junit.jupiter.api.Test;

class BearerTokenTest {

  @Test
  void noTokenRequiredLetsEveryRequestThrough() {
    assertThat(BearerToken.refusal(null, null)).isEmpty();
    assertThat(BearerToken.refusal("Bearer x", null)).isEmpty();
  }

  @Test
  void aMissingOrMalformedHeaderIsUnauthorized() {
    assertThat(BearerToken.refusal(null, "s3cret")).contains(Problem.UNAUTHORIZED);
    assertThat(BearerToken.refusal("", "s3cret")).contains(Problem.UNAUTHORIZED);
    assertThat(BearerToken.refusal("Bearer ", "s3cret")).contains(Problem.UNAUTHORIZED);
    assertThat(BearerToken.refusal("Basic czNjcmV0", "s3cret")).contains(Problem.UNAUTHORIZED);
    assertThat(BearerToken.refusal("s3cret", "s3cret")).contains(Problem.UNAUTHORIZED);
  }

  @Test
  void anotherTokenIsForbiddenAndTheRightOneInAnyCaseOfTheSchemePasses() {
    assertThat(BearerToken.refusal("Bearer s3cre", "s3cret")).contains(Problem.FORBIDDEN);
    assertThat(BearerToken.refusal("Bearer s3cret2", "s3cret")).contains(Problem.FORBIDDEN);
    assertThat(BearerToken.refusal("Bearer S3CRET", "s3cret")).contains(Problem.FORBIDDEN);
    assertThat(BearerToken.refusal("Bearer s3cret", "s3cret")).isEmpty();
    assertThat(BearerToken.refusal("bearer  s3cret ", "s3cret")).isEmpty();
  }
}
