package io.globalfunc.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.globalfunc.core.naming.BatchKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the batch queue: item slicing, entry fields, completion arguments, sizes. */
class BatchPartsTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> texts(List<byte[]> items) {
    return items.stream().map(x -> new String(x, StandardCharsets.UTF_8)).toList();
  }

  @Test
  void arrayElementsAreSlicedAsSent() throws IOException {
    String body =
        "[ {\"s\":\"\\ud800\"} ,{\"a\":[1,{\"b\":2}]},1 , \"x\\\"y\",true,null,-1.5e3,[],{}]";
    assertThat(texts(JsonArrayItems.split(b(body))))
        .containsExactly(
            "{\"s\":\"\\ud800\"}",
            "{\"a\":[1,{\"b\":2}]}",
            "1",
            "\"x\\\"y\"",
            "true",
            "null",
            "-1.5e3",
            "[]",
            "{}");
    assertThat(texts(JsonArrayItems.split(b("{\"é\":\"中\"}".replace("{", "[{").concat("]")))))
        .containsExactly("{\"é\":\"中\"}");
    assertThat(JsonArrayItems.split(b("[]"))).isEmpty();
    String deep = "[" + "[".repeat(1500) + "]".repeat(1500) + "]";
    assertThat(JsonArrayItems.split(b(deep))).hasSize(1);
    assertThatThrownBy(() -> JsonArrayItems.split(b("{}"))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> JsonArrayItems.split(b("[1,"))).isInstanceOf(IOException.class);
  }

  @Test
  void taskEntriesRoundTripAndMalformedOnesAreFlagged() {
    List<Object> fields =
        TaskEntries.fields("b-1", "Base.f", 40, List.of(b("{\"x\":1}"), b("{\"x\":2}")), 2);
    Map<String, byte[]> map = new HashMap<>();
    for (int i = 0; i < fields.size(); i += 2) {
      Object v = fields.get(i + 1);
      map.put((String) fields.get(i), v instanceof byte[] x ? x : b(v.toString()));
    }
    BatchTask t = TaskEntries.parse("1-0", map);
    assertThat(t.batchId()).isEqualTo("b-1");
    assertThat(t.function()).isEqualTo("Base.f");
    assertThat(t.item(1)).isEqualTo(41);
    assertThat(t.retries()).isEqualTo(2);
    assertThat(texts(t.items())).containsExactly("{\"x\":1}", "{\"x\":2}");
    assertThat(fields).hasSize(12); // the items packed in one field, whatever their number
    byte[] packed = map.get("items");
    map.put("items", java.util.Arrays.copyOf(packed, packed.length - 1));
    assertThat(TaskEntries.parse("1-0", map).isMalformed()).as("truncated").isTrue();
    map.put("items", java.util.Arrays.copyOf(packed, packed.length + 1));
    assertThat(TaskEntries.parse("1-0", map).isMalformed()).as("bytes left over").isTrue();
    map.put("items", new byte[] {(byte) 0xff, 0, 0, 0});
    assertThat(TaskEntries.parse("1-0", map).isMalformed()).as("negative length").isTrue();
    assertThat(TaskEntries.parse("2-0", Map.of()).isMalformed()).isTrue();
  }

  @Test
  void entriesWithAFieldPerItemAreReadToo() {
    // What the completion script writes for an item to retry, and what earlier versions wrote.
    Map<String, byte[]> map = new HashMap<>();
    map.put("batch", b("b-1"));
    map.put("fn", b("Base.f"));
    map.put("from", b("7"));
    map.put("n", b("2"));
    map.put("0", b("{\"é\":1}"));
    map.put("1", b("{}"));
    BatchTask t = TaskEntries.parse("1-0", map);
    assertThat(t.retries()).isZero();
    assertThat(texts(t.items())).containsExactly("{\"é\":1}", "{}");
    map.remove("1");
    assertThat(TaskEntries.parse("1-0", map).isMalformed()).isTrue();
  }

  @Test
  void completionArgumentsCarryEveryItem() {
    BatchKeys keys = new BatchKeys("sp", "main");
    // Items 1023 and 1024 fall in two results hashes.
    BatchTask t = new BatchTask("5-0", "b-1", 1023, "Base.f", List.of(b("{}"), b("{}")), 0);
    List<Object> args =
        Completion.arguments(
            keys,
            t,
            List.of(
                ItemResult.of(1023, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":1}")),
                ItemResult.retry(1024, b("{}"), 1)));
    assertThat(keys.results("b-1", 1023)).isNotEqualTo(keys.results("b-1", 1024));
    assertThat(keys.results("b-1", 0)).isEqualTo(keys.results("b-1", 1023));
    assertThat(args.subList(0, 7))
        .containsExactly(
            "6",
            keys.meta("b-1"),
            keys.tasks(),
            keys.deadLetters("b-1"),
            keys.progress("b-1"),
            keys.results("b-1", 1023),
            keys.results("b-1", 1024));
    assertThat(args.subList(7, 7 + Completion.HEAD))
        .containsExactly(
            BatchKeys.GROUP, "5-0", "604800", "b-1", "Base.f", "1", "0", "0", "2", "0", "1");
    // Per hash its count and pairs, then dead items, then retried items' hash/item/retries/kwargs.
    List<Object> rest = args.subList(7 + Completion.HEAD, args.size());
    assertThat(rest).hasSize(3 + 1 + 4);
    assertThat(rest.subList(0, 2)).containsExactly("1", "1023");
    assertThat(new String((byte[]) rest.get(2), StandardCharsets.UTF_8))
        .isEqualTo("{\"ok\":true,\"result\":1}");
    assertThat(rest.subList(3, 7)).containsExactly("0", "2", "1024", "1");
    assertThat(Completion.SCRIPT).contains("local at, stored = " + (Completion.HEAD + 1));
    assertThat(Completion.SCRIPT).contains("LPUSH', KEYS[4]").contains("LTRIM', KEYS[4], 0, 0");
    assertThat(Completion.SCRIPT).contains("'from'").contains("'fn'").doesNotContain("%s");
  }

  @Test
  void entriesAreSizedToSpreadABatch() {
    assertThat(ChunkPlan.entrySize(1)).isEqualTo(1);
    assertThat(ChunkPlan.entrySize(2_000)).isEqualTo(32);
    assertThat(ChunkPlan.entrySize(1_000_000)).isEqualTo(ChunkPlan.MAX_ITEMS);
  }
}
