package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import org.junit.jupiter.api.Test;

/** What a Python worker's environment keeps of the runtime's. */
class WorkerEnvironmentTest {

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
