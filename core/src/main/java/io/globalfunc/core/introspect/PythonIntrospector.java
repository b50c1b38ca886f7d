package io.globalfunc.core.introspect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.globalfunc.core.library.FunctionRef;
import io.globalfunc.core.library.Library;
import io.globalfunc.core.library.LibraryFile;
import io.globalfunc.core.python.PythonScripts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Asks Python's own {@code ast} for the callables, signatures and docstrings of a library's
 * function files, in one short-lived process and without executing user code.
 */
public final class PythonIntrospector {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final String python;

  public PythonIntrospector(String python) {
    this.python = python;
  }

  /** One file to describe, as the introspection script reads it. */
  private record Item(String path, String function, String source) {}

  /** What the introspection script says of one file. */
  private record Answer(
      String path,
      boolean callable,
      String kind,
      FunctionInfo.Signature signature,
      String doc,
      JsonNode schema,
      String error,
      boolean pure) {}

  /** Describes every {@code package/name.py} file of the library, keyed by its reference. */
  public Map<FunctionRef, FunctionInfo> describe(Library library) {
    List<LibraryFile> files = library.functionFiles();
    Map<FunctionRef, FunctionInfo> out = new LinkedHashMap<>();
    if (files.isEmpty()) {
      return out;
    }
    List<Item> items = new ArrayList<>();
    for (LibraryFile f : files) {
      items.add(new Item(f.path(), f.functionRef().orElseThrow().function(), f.text()));
    }
    List<Answer> answers = runSplit(items);
    for (int i = 0; i < files.size(); i++) {
      FunctionRef ref = files.get(i).functionRef().orElseThrow();
      Answer a = answers.get(i);
      out.put(
          ref,
          new FunctionInfo(
              ref,
              a.callable(),
              a.kind(),
              a.signature(),
              a.doc(),
              a.schema(),
              a.error(),
              a.pure()));
    }
    return out;
  }

  /** Describes one function file from its source text (e.g. a working-tree file). */
  public FunctionInfo describe(FunctionRef ref, String source) {
    Answer a = run(List.of(new Item(ref.path(), ref.function(), source))).get(0);
    return new FunctionInfo(
        ref, a.callable(), a.kind(), a.signature(), a.doc(), a.schema(), a.error());
  }

  /** Files per Python process below which splitting the work costs more than it saves. */
  private static final int MIN_PER_PROCESS = 500;

  /**
   * Runs the files through one Python process per core (the files are independent), each on a
   * contiguous slice, and returns the answers in the files' order.
   */
  private List<Answer> runSplit(List<Item> items) {
    int processes =
        Math.max(
            1,
            Math.min(Runtime.getRuntime().availableProcessors(), items.size() / MIN_PER_PROCESS));
    if (processes == 1) {
      return run(items);
    }
    int per = (items.size() + processes - 1) / processes;
    List<CompletableFuture<List<Answer>>> parts = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(processes);
    try {
      for (int from = 0; from < items.size(); from += per) {
        List<Item> slice = items.subList(from, Math.min(items.size(), from + per));
        parts.add(CompletableFuture.supplyAsync(() -> run(slice), pool));
      }
      List<Answer> out = new ArrayList<>(items.size());
      for (CompletableFuture<List<Answer>> p : parts) {
        try {
          out.addAll(p.join());
        } catch (CompletionException e) {
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw e;
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private List<Answer> run(List<Item> items) {
    Process process;
    try {
      process =
          new ProcessBuilder(python, "-I", "-B", PythonScripts.INTROSPECT.path().toString())
              .redirectError(ProcessBuilder.Redirect.PIPE)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + python + " for introspection", e);
    }
    try {
      CompletableFuture<byte[]> stdout = readAsync(process.getInputStream());
      CompletableFuture<byte[]> stderr = readAsync(process.getErrorStream());
      try (OutputStream in = process.getOutputStream()) {
        JSON.writeValue(in, items);
      }
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("introspection did not finish in 120 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "introspection failed: " + new String(stderr.join(), StandardCharsets.UTF_8));
      }
      return JSON.readValue(stdout.join(), new TypeReference<List<Answer>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      process.destroyForcibly();
    }
  }

  private static CompletableFuture<byte[]> readAsync(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
