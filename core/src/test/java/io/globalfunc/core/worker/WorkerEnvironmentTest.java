package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import org.junit.jupiter.api.Test;

/** What a Python worker's environment keeps of the runtime's. */
class WorkerEnvironmentTest {

  @Test
  void credentialsInUrlValuesAndSecretFilesAreRemoved() {
    var env = new HashMap<String, String>();
    env.put("DATABASE_URL", "postgres://app:hunter2@db:5432/x");
    env.put("HTTP_PROXY", "http://u:p@proxy:3128");
    env.put("GF_REDIS_URI_FILE", "/run/secrets/redis");
    env.put("HOME_PAGE_URL", "https://example.com/a@b");
    env.put("LANG", "C.UTF-8");
    WorkerEnvironment.scrub(env);
    assertThat(env)
        .containsKeys("LANG", "HOME_PAGE_URL", "PYTHONIOENCODING")
        .doesNotContainKeys("DATABASE_URL", "HTTP_PROXY", "GF_REDIS_URI_FILE");
  }

  @Test
  void userCodeDoesNotSeeSecretsFromTheEnvironment() {
    var env = new HashMap<String, String>();
    env.put("GF_REDIS_URI", "redis://:pw@host");
    env.put("GIT_PASSWORD", "pw");
    env.put("API_TOKEN", "t");
    env.put("PATH", "/usr/bin");
    WorkerEnvironment.scrub(env);
    assertThat(env)
        .containsKey("PATH")
        .doesNotContainKeys("GF_REDIS_URI", "GIT_PASSWORD", "API_TOKEN");
  }
}
