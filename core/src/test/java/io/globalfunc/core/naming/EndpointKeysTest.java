package io.globalfunc.core.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointKeysTest {

  @Test
  void spellsTheRegistryUnderTheThreeTiers() {
    assertThat(EndpointKeys.endpoint("sp_GlobalFunc", "default", "m7-v101-30g-0g-26000"))
        .isEqualTo("sp_GlobalFunc.~endpoints.default/m7-v101-30g-0g-26000");
    assertThat(EndpointKeys.spaceIndex("sp_GlobalFunc")).isEqualTo("sp_GlobalFunc.~endpoints");
    assertThat(EndpointKeys.workerIndex("sp_GlobalFunc", "team-a", "m7"))
        .isEqualTo("sp_GlobalFunc.~workers.team-a/m7");
  }

  @Test
  void aKeySplitsIntoThreeTiersAndNeverLooksLikeAFunction() {
    String key = EndpointKeys.endpoint("sp_GlobalFunc", "default", "w-v1-1g-0g-26001");
    String[] tiers = key.split("\\.", -1);
    assertThat(tiers).hasSize(3);
    assertThatThrownBy(() -> FunctionName.parse(key)).isInstanceOf(IllegalArgumentException.class);
    assertThat(EndpointKeys.parseMember(tiers[2]))
        .isEqualTo(new EndpointKeys.Ref("default", "w-v1-1g-0g-26001"));
    assertThat(EndpointKeys.endpointOfMember("sp_GlobalFunc", tiers[2])).isEqualTo(key);
  }

  @Test
  void rejectsNamesThatWouldBreakTheSplit() {
    assertThatThrownBy(() -> EndpointKeys.endpoint("sp.x", "default", "p"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EndpointKeys.endpoint("sp", "de.fault", "p"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EndpointKeys.endpoint("sp", "default", "a/b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EndpointKeys.parseMember("nodelimiter"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
