package io.globalfunc.operator.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * A real HTTP server that answers every Git smart-HTTP request with 401 and a Basic challenge, as a
 * Git host does for wrong credentials; JGit talks to it over the network like to any host.
 */
public final class UnauthorizedGitServer implements AutoCloseable {

  private final HttpServer server;

  private UnauthorizedGitServer(HttpServer server) {
    this.server = server;
  }

  public static UnauthorizedGitServer start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
          });
      server.start();
      return new UnauthorizedGitServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL of a repository on this server. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/team/functions.git";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
