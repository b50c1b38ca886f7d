package io.globalfunc.core.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The registry spelling shared with the Python client: the same vector file is checked against
 * {@code globalfunc.registry} by clients/python/tests/test_registry.py.
 */
class EndpointKeysVectorsTest {

  static JsonNode vectors() throws IOException {
    try (InputStream in =
        EndpointKeysVectorsTest.class.getResourceAsStream("endpoint-keys-vectors.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void spellsEveryValidVector() throws IOException {
    JsonNode valid = vectors().get("valid");
    assertThat(valid.size()).isGreaterThan(0);
    for (JsonNode v : valid) {
      String space = v.get("space").asText();
      String ns = v.get("namespace").asText();
      String pod = v.get("pod").asText();
      assertThat(EndpointKeys.member(ns, pod)).isEqualTo(v.get("member").asText());
      assertThat(EndpointKeys.endpoint(space, ns, pod)).isEqualTo(v.get("endpoint").asText());
      assertThat(EndpointKeys.spaceIndex(space)).isEqualTo(v.get("spaceIndex").asText());
      assertThat(EndpointKeys.workerIndex(space, ns, v.get("worker").asText()))
          .isEqualTo(v.get("workerIndex").asText());
      assertThat(EndpointKeys.endpointOfMember(space, v.get("member").asText()))
          .isEqualTo(v.get("endpoint").asText());
      assertThat(EndpointKeys.parseMember(v.get("member").asText()))
          .isEqualTo(new EndpointKeys.Ref(ns, pod));
    }
  }

  @Test
  void refusesEveryInvalidVector() throws IOException {
    JsonNode v = vectors();
    for (JsonNode space : v.get("invalidSpaces")) {
      assertThatThrownBy(() -> EndpointKeys.spaceIndex(space.asText()))
          .as(space.asText())
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (JsonNode name : v.get("invalidNames")) {
      assertThatThrownBy(() -> EndpointKeys.member("default", name.asText()))
          .as(name.asText())
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> EndpointKeys.member(name.asText(), "pod"))
          .as(name.asText())
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (JsonNode member : v.get("invalidMembers")) {
      assertThatThrownBy(() -> EndpointKeys.parseMember(member.asText()))
          .as(member.asText())
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
