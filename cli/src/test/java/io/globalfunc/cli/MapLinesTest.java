package io.globalfunc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.batch.ResultEnvelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapLinesTest {

  @Test
  void oneObjectIsAnItemAndAnythingElseSaysWhy() {
    assertThat(MapLines.problem("{\"a\": 1, \"b\": {\"c\": [1, 2]}}")).isNull();
    assertThat(MapLines.problem("{}")).isNull();
    assertThat(MapLines.problem("[1, 2]")).isEqualTo("not a JSON object of keyword arguments");
    assertThat(MapLines.problem("7")).isEqualTo("not a JSON object of keyword arguments");
    assertThat(MapLines.problem("")).isEqualTo("not a JSON object of keyword arguments");
    assertThat(MapLines.problem("{\"a\": 1")).startsWith("not JSON: ");
    assertThat(MapLines.problem("{\"a\": tru}")).startsWith("not JSON: ");
    // A tree parser stopped after the object and dropped the rest silently.
    assertThat(MapLines.problem("{\"a\": 1} {\"b\": 2}")).startsWith("not JSON: more after");
  }

  @Test
  void provenanceFieldsGoAndEverythingElseStaysAsItWas() {
    String envelope =
        "{\"ok\":true,\"result\":{\"hash\":1,\"x\":[1,{\"worker\":2}]},\"function\":\"sp.Base_m.f\","
            + "\"commit\":\"abc\",\"hash\":\"h\",\"worker\":\"w1\",\"cache\":\"miss\"}";
    assertThat(MapLines.without(envelope, ResultEnvelope.PROVENANCE))
        .isEqualTo("{\"ok\":true,\"result\":{\"hash\":1,\"x\":[1,{\"worker\":2}]}}");
    String failure =
        "{\"ok\":false,\"error\":{\"status\":500,\"title\":\"t\\u00e9\"},\"worker\":\"w\"}";
    assertThat(MapLines.without(failure, ResultEnvelope.PROVENANCE))
        // As written: an escape stays an escape (a lone surrogate survives, unlike through a tree).
        .isEqualTo("{\"ok\":false,\"error\":{\"status\":500,\"title\":\"t\\u00e9\"}}");
  }

  @Test
  void keptFieldsAreCopiedAsWrittenWhateverTheirKind() {
    String envelope =
        "{\"function\":\"f\", \"ok\": true, \"result\": \"a,\\\"}b\", \"n\":1.50e3,"
            + "\"worker\":\"w\",\"x\":null,\"cache\":{\"a\":[]}}";
    assertThat(MapLines.without(envelope, ResultEnvelope.PROVENANCE))
        .isEqualTo("{\"ok\": true,\"result\": \"a,\\\"}b\",\"n\":1.50e3,\"x\":null}");
    assertThat(MapLines.without("[1]", ResultEnvelope.PROVENANCE)).isEqualTo("[1]");
  }

  @Test
  void linesSplitWhereAReaderSplitsThemAndAreStripped() {
    byte[] text =
        " {\"a\":1} \n\n\t{}\r\n[1]\r\u3000{\"é\":\"中\"}\u3000\nlast"
            .getBytes(StandardCharsets.UTF_8);
    List<String> lines =
        MapLines.split(text).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    assertThat(lines).containsExactly("{\"a\":1}", "", "{}", "[1]", "{\"é\":\"中\"}", "last");
    assertThat(MapLines.split("x\n".getBytes(StandardCharsets.UTF_8))).hasSize(1);
    assertThat(MapLines.split(new byte[0])).isEmpty();
  }

  @Test
  void spacesAroundFieldsAndAnEmptyRestAreHandled() {
    assertThat(
            MapLines.without(
                "{ \"ok\" : true , \"worker\" : \"w\" , \"result\" : 1 }",
                ResultEnvelope.PROVENANCE))
        .isEqualTo("{\"ok\" : true,\"result\" : 1}");
    assertThat(MapLines.without("{\"worker\":\"w\"}", ResultEnvelope.PROVENANCE)).isEqualTo("{}");
    assertThat(MapLines.without("{}", ResultEnvelope.PROVENANCE)).isEqualTo("{}");
  }

  @Test
  void strippingProvenanceByScanMatchesTheParser() throws IOException {
    ObjectMapper tree = new ObjectMapper();
    String[] envelopes = {
      "{\"ok\":true,\"result\":{\"worker\":[1,{\"x\":\"}\"}]},\"function\":\"sp.B.f\",\"worker\":\"w\"}",
      "{\"ok\":false,\"problem\":{\"title\":\"t\\u00e9\"},\"commit\":\"c\",\"hash\":\"h\"}",
      "{ \"cache\" : \"miss\" , \"ok\" : true , \"result\" : -1.5e3 }",
      "{\"wo\\u0072ker\":\"w\",\"ok\":true}",
      "{\"ok\":true,\"result\":\"é中\"}  ",
    };
    for (String e : envelopes) {
      String out = MapLines.without(e, ResultEnvelope.PROVENANCE);
      ObjectNode expected = (ObjectNode) tree.readTree(e);
      expected.remove(ResultEnvelope.PROVENANCE);
      assertThat(tree.readTree(out)).as(e).isEqualTo(expected);
    }
  }
}
