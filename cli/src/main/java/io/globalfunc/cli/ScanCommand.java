package io.globalfunc.cli;

import io.globalfunc.core.library.DirectoryLibraryReader;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gf scan}: the seed's {@code scan_directory} over the working folder: every catalogued file
 * with its md5, modification time, line count and name.
 */
@Command(
    name = "scan",
    description = "List the library's files in the working folder with the seed's metadata.")
final class ScanCommand extends GfCommand {

  @Option(names = "--data", description = "With --json, include each file's text as 'data'.")
  boolean data;

  @Override
  public Integer call() {
    try (Workspace ws = workspace()) {
      Library lib = new DirectoryLibraryReader().read(ws.root());
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (LibraryFile f : lib.files()) {
          Map<String, Object> value = new LinkedHashMap<>();
          Map<String, Object> meta = new LinkedHashMap<>();
          meta.put("hash", f.meta().hash());
          meta.put("modified_time", f.meta().modifiedTime());
          meta.put("line_count", f.meta().lineCount());
          meta.put("name", f.meta().name());
          value.put("meta", meta);
          value.put("function", f.functionRef().map(r -> r.callName()).orElse(null));
          if (data) {
            value.put("data", f.text());
          }
          result.put(f.key(), value);
        }
        printJson(result);
        return 0;
      }
      out().println("library " + ws.root() + " (working folder)");
      int width = Columns.widest(lib.files().stream().map(LibraryFile::key).toList());
      for (LibraryFile f : lib.files()) {
        out()
            .printf(
                "%s  %5d lines  %s  %s%s%n",
                Columns.pad(f.key(), width),
                f.meta().lineCount(),
                f.meta().hash(),
                f.meta().modifiedTime(),
                f.functionRef().isPresent() ? "" : "  (not a function file)");
      }
      out()
          .println(
              lib.files().size() + " files, " + lib.functionFiles().size() + " function files");
      return 0;
    }
  }
}
