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
    // Per hash its items stored, its runs and their field/value pairs, then dead items, then
    // retried items' hash/item/retries/kwargs.
    List<Object> rest = args.subList(7 + Completion.HEAD, args.size());
    assertThat(rest).hasSize(4 + 2 + 4);
    assertThat(rest.subList(0, 2)).containsExactly("1", "1");
    assertThat(new String((byte[]) rest.get(2), StandardCharsets.UTF_8)).isEqualTo("1023+1");
    ResultRuns.Run run = ResultRuns.read("1023+1", (byte[]) rest.get(3));
    assertThat(new String(run.whole(1023), StandardCharsets.UTF_8))
        .isEqualTo("{\"ok\":true,\"result\":1}");
    assertThat(rest.subList(4, 6))
        .as("no item of the second hash is stored")
        .containsExactly("0", "0");
    assertThat(rest.subList(6, 9)).containsExactly("2", "1024", "1");
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

  @Test
  void runsPackConsecutiveItemsWithTheirSharedFieldsOnce() {
    byte[] p1 = ResultEnvelope.fields(Map.of("worker", "w1"));
    byte[] p2 = ResultEnvelope.fields(Map.of("worker", "w2"));
    List<byte[]> pairs =
        ResultRuns.pairs(
            List.of(
                ItemResult.of(4, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":4}"))
                    .sharing(p1),
                ItemResult.of(5, ItemResult.Outcome.FAILED, b("{\"ok\":false,\"problem\":{}}")),
                ItemResult.of(6, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":\"é\"}"))
                    .sharing(p1),
                // a gap (item 7 is retried), then other shared fields: two more runs
                ItemResult.of(8, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":8}"))
                    .sharing(p1),
                ItemResult.of(9, ItemResult.Outcome.DONE, b("{\"ok\":true,\"result\":9}"))
                    .sharing(p2)));
    assertThat(pairs).hasSize(6);
    assertThat(new String(pairs.get(0), StandardCharsets.UTF_8)).isEqualTo("4+3");
    assertThat(new String(pairs.get(2), StandardCharsets.UTF_8)).isEqualTo("8+1");
    assertThat(new String(pairs.get(4), StandardCharsets.UTF_8)).isEqualTo("9+1");
    ResultRuns.Run run = ResultRuns.read("4+3", pairs.get(1));
    assertThat(run.first()).isEqualTo(4);
    assertThat(run.end()).isEqualTo(7);
    assertThat(new String(run.whole(4), StandardCharsets.UTF_8))
        .isEqualTo("{\"ok\":true,\"result\":4,\"worker\":\"w1\"}");
    assertThat(new String(run.whole(5), StandardCharsets.UTF_8))
        .isEqualTo("{\"ok\":false,\"problem\":{}}");
    assertThat(new String(run.bare(6), StandardCharsets.UTF_8))
        .isEqualTo("{\"ok\":true,\"result\":\"é\"}");
    assertThat(new String(ResultRuns.read("9+1", pairs.get(5)).whole(9), StandardCharsets.UTF_8))
        .endsWith("\"w2\"}");
    // An older version's field: one whole envelope, its provenance dropped when asked.
    ResultRuns.Run single =
        ResultRuns.read("12", b("{\"ok\":true,\"result\":{\"worker\":1},\"worker\":\"w\"}"));
    assertThat(new String(single.bare(12), StandardCharsets.UTF_8))
        .isEqualTo("{\"ok\":true,\"result\":{\"worker\":1}}");
    // What this version cannot read is skipped, never misread.
    assertThat(ResultRuns.read("4+3", java.util.Arrays.copyOf(pairs.get(1), 20))).isNull();
    assertThat(ResultRuns.read("4+2", pairs.get(1))).as("bytes left over").isNull();
    assertThat(ResultRuns.read("x", pairs.get(1))).isNull();
    assertThat(ResultRuns.read("4+0", pairs.get(1))).isNull();
  }
}
