package io.globalfunc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * The training run of gf's AOT cache (scripts/cli-cds.sh on JDK 25+): runs many gf command lines in
 * one JVM, so one {@code -XX:AOTCacheOutput} run records the classes, linkage and method profiles
 * of all of them.
 */
public final class AotTraining {

  private static final String ENVELOPE =
      "{\"ok\":true,\"result\":1.5,\"function\":\"sp.Util_master.mean\",\"worker\":\"w\"}";

  private AotTraining() {}

  /**
   * {@code args[0]}: a file with one gf command line per line, arguments separated by tabs; {@code
   * {runtime}} in an argument becomes the address of a loopback server answering calls as a runtime
   * does, so {@code call --url} is trained on its success path.
   */
  public static void main(String[] args) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    Gf.quietLogging();
    HttpServer runtime = runtime();
    String url = "http://127.0.0.1:" + runtime.getAddress().getPort();
    int failed = 0;
    try {
      for (String line : lines) {
        if (line.isBlank()) {
          continue;
        }
        String[] command = line.replace("{runtime}", url).split("\t");
        StringWriter err = new StringWriter();
        int code = Gf.run(new PrintWriter(Writer.nullWriter()), new PrintWriter(err), command);
        if (code != 0) {
          failed++;
          System.err.println("aot training: gf " + String.join(" ", command) + ": " + err);
        }
      }
    } finally {
      runtime.stop(0);
    }
    System.err.println(
        "aot training: " + lines.size() + " command lines, " + failed + " failed (still cached)");
  }

  /**
   * Answers as a runtime serving {@code Util.mean} does: a call with a JSON number, {@code /v1/map}
   * with one envelope per item, a function's description with an object.
   */
  private static HttpServer runtime() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          byte[] request = exchange.getRequestBody().readAllBytes();
          String answer = "1.5";
          if (path.startsWith("/v1/map/")) {
            int items = new ObjectMapper().readTree(request).size();
            answer = "[" + String.join(",", Collections.nCopies(items, ENVELOPE)) + "]";
          } else if (path.startsWith("/v1/functions/")) {
            answer = "{\"name\":\"Util.mean\"}";
          }
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }
}
