package io.globalfunc.core.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonScanTest {

  private static final JsonFactory JSON = new JsonFactory();

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What the parser says: one object and nothing after it. */
  private static boolean parserAccepts(byte[] json) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void wellFormedObjectsAreSeen() {
    for (String ok :
        new String[] {
          "{}",
          " { } ",
          "{\"a\":1,\"b\":-0.5e+10,\"c\":[true,false,null,{}],\"d\":\"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}",
          "{\"é中😀\":\"\\ud800\"}",
          "{\"a\" : [ 1 , [ ] , { \"b\" : 0 } ]\t}\r\n"
        }) {
      assertThat(JsonScan.isObject(b(ok))).as(ok).isTrue();
      assertThat(parserAccepts(b(ok))).as(ok).isTrue();
    }
  }

  @Test
  void anythingElseIsLeftToTheParser() {
    for (String bad :
        new String[] {
          "",
          "[]",
          "1",
          "{",
          "{\"a\"}",
          "{\"a\":}",
          "{\"a\":1,}",
          "{a:1}",
          "{'a':1}",
          "{\"a\":01}",
          "{\"a\":1.}",
          "{\"a\":.5}",
          "{\"a\":+1}",
          "{\"a\":1e}",
          "{\"a\":tru}",
          "{\"a\":truex}",
          "{\"a\":NaN}",
          "{\"a\":\"\\x\"}",
          "{\"a\":\"\\u12\"}",
          "{\"a\":\"\u0001\"}",
          "{} {}",
          "{}x",
          "{\"a\":1]",
          "{\"a\":[1}",
          "{\"a\":1 2}",
          "{\"\\ud800\":1}"
        }) {
      assertThat(JsonScan.isObject(b(bad))).as(bad).isFalse();
    }
    byte[] latin1 = {'{', '"', 'a', '"', ':', '"', (byte) 0xe9, '"', '}'};
    assertThat(JsonScan.isObject(latin1)).isFalse();
    String deep = "{\"a\":" + "[".repeat(600) + "]".repeat(600) + "}";
    assertThat(JsonScan.isObject(b(deep))).as("deep ones go to the parser").isFalse();
  }

  @Test
  void theScanNeverAcceptsWhatTheParserRefuses() {
    Random random = new Random(42);
    int accepted = 0;
    for (int n = 0; n < 200_000; n++) {
      String s = JsonFuzz.object(random, false);
      byte[] json = b(s);
      if (JsonScan.isObject(json)) {
        accepted++;
        assertThat(parserAccepts(json)).as(s).isTrue();
      }
    }
    assertThat(accepted).as("the fuzz reaches well-formed objects too").isGreaterThan(100);
  }
}
