package io.globalfunc.operator.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fields of an endpoint hash, as the Python client's discovery reads them: the shared vector
 * file (core's test resources) lists them, and clients/python/tests reads the same list.
 */
class EndpointFieldsVectorTest {

  @Test
  void endpointHashHasTheFieldsClientsRead() throws Exception {
    JsonNode vectors;
    try (InputStream in =
        getClass().getResourceAsStream("/io/globalfunc/core/naming/endpoint-keys-vectors.json")) {
      vectors = new ObjectMapper().readTree(in);
    }
    List<String> expected = new ArrayList<>();
    vectors.get("endpointFields").forEach(f -> expected.add(f.asText()));
    Endpoint e =
        new Endpoint(
            "default",
            "m7-v101-30g-0g-26000",
            "m7",
            "m7-v101-30g-0g-26000",
            "10.0.0.7",
            26000,
            "10.0.0.7",
            "node-1",
            "globalfunc",
            "abc123",
            "v101");
    assertThat(new ArrayList<>(e.fields().keySet())).isEqualTo(expected);
    assertThat(e.fields().get("url")).isEqualTo("http://10.0.0.7:26000/gfgo/");
  }
}
