package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonItemTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(JsonItem item) {
    return new String(item.json(), StandardCharsets.UTF_8);
  }

  @Test
  void anItemKeepsTheBytesItsCallerWrote() throws IOException {
    String written =
        "{ \"s\" : \"\\ud800\", \"n\":1.0e5, \"u\":\"é中\\ud83d\\ude00\", \"a\":[1,{}]}";
    JsonItem item = JsonItem.parse(b(written));
    assertThat(text(item)).isEqualTo(written);
    assertThat(item.shape()).isEqualTo(JsonItem.Shape.OBJECT);
    assertThat(JsonItem.parse(b("[1, 2]")).shape()).isEqualTo(JsonItem.Shape.ARRAY);
  }

  @Test
  void onlyTheFirstValueIsTakenLikeATreeReaderDoes() throws IOException {
    JsonItem item = JsonItem.parse(b("  {\"a\":1} ],\"p\":\"os\" "));
    assertThat(text(item)).isEqualTo("{\"a\":1}");
  }

  @Test
  void valuesThatAreNoArgumentsAreSaidSo() throws IOException {
    for (String other : new String[] {"1", "\"x\"", "null", "true", "", "   "}) {
      assertThat(JsonItem.parse(b(other)).isArguments()).as(other).isFalse();
    }
  }

  @Test
  void malformedJsonAndBadUtf8AreRefused() {
    for (String bad :
        new String[] {"{\"a\":", "{\"a\":1", "{\"a\" 1}", "[1,,2]", "{\"a\":\"\\q\"}", "{a:1}"}) {
      assertThatThrownBy(() -> JsonItem.parse(b(bad))).as(bad).isInstanceOf(IOException.class);
    }
    byte[] latin1 = {'{', '"', 'a', '"', ':', '"', (byte) 0xe9, '"', '}'};
    assertThatThrownBy(() -> JsonItem.parse(latin1)).isInstanceOf(IOException.class);
  }

  @Test
  void itemsDeeperThanPythonReadsAreRefused() throws IOException {
    int max = JsonItem.MAX_DEPTH;
    String ok = "{\"x\":" + "[".repeat(max - 1) + "]".repeat(max - 1) + "}";
    assertThat(JsonItem.parse(b(ok)).isArguments()).isTrue();
    String deep = "{\"x\":" + "[".repeat(max) + "]".repeat(max) + "}";
    assertThatThrownBy(() -> JsonItem.parse(b(deep)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("deeper than " + max);
  }

  @Test
  void aTreeBecomesAnItemAndScalarsAreRefused() throws IOException {
    ObjectMapper json = new ObjectMapper();
    assertThat(text(JsonItem.of(json.readTree("{\"a\": 1}")))).isEqualTo("{\"a\":1}");
    assertThatThrownBy(() -> JsonItem.of(json.readTree("1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theByteScanReadsItemsExactlyAsTheParserDoes() throws IOException {
    java.util.Random random = new java.util.Random(7);
    int scanned = 0;
    for (int n = 0; n < 30_000; n++) {
      String s = JsonFuzz.object(random, true);
      byte[] json = b(s);
      JsonItem byParser;
      try {
        byParser = JsonItem.parsed(json);
      } catch (IOException e) {
        assertThatThrownBy(() -> JsonItem.parse(json)).as(s).isInstanceOf(IOException.class);
        continue;
      }
      JsonItem item = JsonItem.parse(json);
      scanned += item.json() == json ? 1 : 0;
      assertThat(text(item)).as(s).isEqualTo(text(byParser));
      assertThat(item.shape()).as(s).isEqualTo(byParser.shape());
    }
    assertThat(scanned).as("the fuzz reaches items the scan takes").isGreaterThan(100);
  }
}
