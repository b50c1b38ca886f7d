package io.globalfunc.cli;

import io.globalfunc.core.catalog.Catalog;
import io.globalfunc.core.catalog.search.CatalogIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gf search QUERY}: ranked free-text search, Chinese and English alike. */
@Command(
    name = "search",
    description = "Find functions by name, docstring, description or code (Chinese and English).")
final class SearchCommand extends GfCommand {

  @Parameters(arity = "1..*", paramLabel = "QUERY", description = "Words to look for.")
  List<String> words;

  @Option(names = "--limit", defaultValue = "10", description = "At most N results (default 10).")
  int limit;

  @Option(names = "--branch", description = "Only this branch (default: every branch).")
  String branch;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw usage("--limit must be at least 1");
    }
    String query = String.join(" ", words);
    if (query.isBlank()) {
      throw usage("the query is empty");
    }
    try (Catalog catalog = connect()) {
      List<CatalogIndex.Hit> hits = catalog.search(query, limit, branch);
      if (json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CatalogIndex.Hit h : hits) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", h.display());
          m.put("branch", h.branch());
          m.put("full_name", h.fullName());
          m.put("callable", h.callable());
          m.put("score", h.score());
          m.put("summary", h.summary());
          rows.add(m);
        }
        printJson(rows);
        return 0;
      }
      if (hits.isEmpty()) {
        out().println("no functions match \"" + query + "\" in space " + catalog.space());
        return 0;
      }
      int width = Columns.widest(hits.stream().map(CatalogIndex.Hit::display).toList());
      int i = 1;
      for (CatalogIndex.Hit h : hits) {
        out()
            .printf(
                "%2d. %s  [%s]  %s%n",
                i++,
                Columns.pad(h.display(), width),
                h.branch(),
                h.callable() ? h.summary() : "(file, not callable) " + h.summary());
      }
      return 0;
    }
  }
}
