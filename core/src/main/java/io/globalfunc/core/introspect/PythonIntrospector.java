package io.globalfunc.core.introspect;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
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

  private record Item(String path, String function, String source) {}

  private record Answer(
      String path,
      boolean callable,
      String kind,
      FunctionInfo.Signature signature,
      String doc,
      String error) {}

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
    List<Answer> answers = run(items);
    for (int i = 0; i < files.size(); i++) {
      FunctionRef ref = files.get(i).functionRef().orElseThrow();
      Answer a = answers.get(i);
      out.put(
          ref, new FunctionInfo(ref, a.callable(), a.kind(), a.signature(), a.doc(), a.error()));
    }
    return out;
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
