package io.globalfunc.core.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.globalfunc.core.catalog.search.CatalogIndex;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.naming.FunctionName;
import io.globalfunc.core.naming.ToolName;
import io.globalfunc.core.worker.CallOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The functions an MCP server exposes as tools (the served callables, optionally limited to some
 * packages), with what the meta-tools answer: a ranked, CJK-aware search and a description of one
 * function. Shared by the runtime's {@code /mcp} and {@code gf mcp}.
 */
public final class ToolCatalog implements AutoCloseable {

  /** A callable function as a tool. */
  public record Entry(
      FunctionRef ref,
      FunctionName name,
      FunctionInfo info,
      String path,
      String source,
      String hash,
      String commit) {

    public String tool() {
      return ToolName.of(ref);
    }
  }

  public static final String SEARCH = "search_functions";
  public static final String DESCRIBE = "describe_function";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<FunctionRef, Entry> entries;
  private final List<FunctionRef> tooLong;
  private final CatalogIndex index;

  private ToolCatalog(
      Map<FunctionRef, Entry> entries, List<FunctionRef> tooLong, CatalogIndex index) {
    this.entries = entries;
    this.tooLong = tooLong;
    this.index = index;
  }

  /**
   * The callables of {@code all} whose tool name fits MCP's rules, in {@code packages} when that is
   * not empty, sorted by name; those whose tool name is too long are listed in {@link #tooLong}.
   */
  public static ToolCatalog of(Collection<Entry> all, Set<String> packages) {
    ToolCatalog selected = select(all, packages, CatalogIndex.inMemory());
    List<CatalogIndex.Item> items = new ArrayList<>();
    selected.entries().forEach(e -> items.add(indexed(e)));
    selected.index.replaceAll(items, 1);
    return selected;
  }

  /**
   * Like {@link #of}, taking over the search index of {@code previous} (the catalog of the commit
   * served before) and indexing again only the functions whose name, doc or source changed: a
   * release switch changes a few functions of thousands. A search still running on {@code previous}
   * reads the updated index; its hits are looked up in its own entries.
   */
  public static ToolCatalog of(Collection<Entry> all, Set<String> packages, ToolCatalog previous) {
    if (previous == null) {
      return of(all, packages);
    }
    ToolCatalog selected = select(all, packages, previous.index);
    Map<String, CatalogIndex.Item> before = new HashMap<>();
    for (Entry e : previous.entries()) {
      CatalogIndex.Item item = indexed(e);
      before.put(item.id(), item);
    }
    List<CatalogIndex.Item> changed = new ArrayList<>();
    for (Entry e : selected.entries()) {
      CatalogIndex.Item now = indexed(e);
      if (!now.equals(before.remove(now.id()))) {
        changed.add(now);
      }
    }
    selected.index.update(changed, before.keySet(), 1);
    return selected;
  }

  private static ToolCatalog select(
      Collection<Entry> all, Set<String> packages, CatalogIndex index) {
    Map<FunctionRef, Entry> exposed = new LinkedHashMap<>();
    List<FunctionRef> tooLong = new ArrayList<>();
    all.stream()
        .filter(e -> e.info().callable())
        .filter(e -> packages.isEmpty() || packages.contains(e.ref().pkg()))
        .sorted(Comparator.comparing(e -> e.ref().callName()))
        .forEach(
            e -> {
              if (ToolName.fits(e.ref())) {
                exposed.put(e.ref(), e);
              } else {
                tooLong.add(e.ref());
              }
            });
    return new ToolCatalog(exposed, List.copyOf(tooLong), index);
  }

  /** What the search index holds of a function. */
  private static CatalogIndex.Item indexed(Entry e) {
    return new CatalogIndex.Item(e.name(), e.info().doc(), null, e.source());
  }

  public Collection<Entry> entries() {
    return entries.values();
  }

  /** The callables left out because their tool name would be over {@link ToolName#MAX_LENGTH}. */
  public List<FunctionRef> tooLong() {
    return tooLong;
  }

  /** What a start-up line adds when functions were left out: empty, or how many and why. */
  public String leftOut() {
    return tooLong.isEmpty()
        ? ""
        : " ("
            + tooLong.size()
            + " left out: tool name over "
            + ToolName.MAX_LENGTH
            + " characters)";
  }

  /** Why {@code ref} has no tool, as the runtime and {@code gf mcp} warn. */
  public static String tooLongWarning(FunctionRef ref) {
    return ref.callName()
        + " is not exposed over MCP: its tool name would be "
        + ToolName.of(ref).length()
        + " characters, over the "
        + ToolName.MAX_LENGTH
        + " MCP allows (a non-ASCII character takes 7)";
  }

  /** The entry a tool name or a {@code Package.function} names, or {@code null}. */
  public Entry find(String name) {
    FunctionRef ref = ToolName.parseOrNull(name);
    if (ref == null) {
      ref = FunctionRef.parseOrNull(name);
    }
    return ref == null ? null : entries.get(ref);
  }

  /** The tool's description: its name as people write it, then the docstring. */
  public static String description(Entry e) {
    String doc = e.info().doc();
    String head = e.ref().callName() + signature(e.info().signature());
    return doc == null || doc.isBlank() ? head : head + "\n\n" + doc.strip();
  }

  /** The tool's input schema: the derived one, or any object when there is none. */
  public static JsonNode inputSchema(Entry e) {
    JsonNode input = e.info().inputSchema();
    return input != null ? input : JSON.createObjectNode().put("type", "object");
  }

  /** {@code search_functions}: the best {@code limit} exposed functions for {@code query}. */
  public ArrayNode search(String query, int limit) {
    ArrayNode out = JSON.createArrayNode();
    for (CatalogIndex.Hit hit : index.search(query, Math.max(1, Math.min(limit, 100)), null)) {
      if (hit.name() == null) {
        continue;
      }
      Entry e = entries.get(new FunctionRef(hit.name().pkg(), hit.name().function()));
      if (e != null) {
        ObjectNode n = out.addObject();
        n.put("name", e.ref().callName());
        n.put("tool", e.tool());
        n.put("summary", hit.summary());
        n.put("score", hit.score());
      }
    }
    return out;
  }

  /** {@code describe_function}: signature, doc, schema, source and commit of one function. */
  public static ObjectNode describe(Entry e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", e.ref().callName());
    n.put("tool", e.tool());
    n.put("fullName", e.name().fullName());
    n.put("kind", e.info().kind());
    n.set("signature", JSON.valueToTree(e.info().signature()));
    n.put("doc", e.info().doc());
    n.set("schema", e.info().schema());
    n.put("path", e.path());
    n.put("hash", e.hash());
    n.put("commit", e.commit());
    n.put("source", e.source());
    return n;
  }

  /** A call's result as tool text: the JSON the function returned. */
  public static String resultText(CallOutcome.Success s) {
    return new String(s.json(), StandardCharsets.UTF_8);
  }

  /** A failed call as the problem a tool error carries: type, title, detail, exception. */
  public static ObjectNode problem(CallOutcome.Failure f, String function) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", f.kind().problemType());
    n.put("title", f.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    n.put("detail", f.message());
    n.put("function", function);
    if (f.type() != null) {
      ObjectNode exc = n.putObject("exception");
      exc.put("type", f.type());
      exc.put("message", f.message());
      exc.put("traceback", f.traceback());
    }
    return n;
  }

  private static String signature(FunctionInfo.Signature s) {
    return s == null ? "" : s.text();
  }

  @Override
  public void close() {
    index.close();
  }
}
