package io.globalfunc.cli;

import io.globalfunc.core.catalog.CatalogConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One request to a runtime for {@code gf call --url}. HttpURLConnection rather than
 * java.net.http.HttpClient: the latter builds the default TLS context (providers, trust store) on
 * creation even for plain http, a large share of a short command's start-up.
 */
final class RuntimeHttp {

  /** Status and body of an answer. */
  record Answer(int status, String body) {}

  private final String base;
  private final Duration timeout;
  private final Cancel cancel;

  /**
   * A runtime at {@code base} (no trailing slash); every request gives up after timeout, or when
   * {@code cancel} fires (the connection is closed under it).
   */
  RuntimeHttp(String base, Duration timeout, Cancel cancel) {
    this.base = base;
    this.timeout = timeout;
    this.cancel = cancel;
  }

  Answer get(String path) {
    return exchange("GET", path, null);
  }

  Answer post(String path, String json) {
    return exchange("POST", path, json);
  }

  private Answer exchange(String method, String path, String json) {
    String where = CatalogConfig.redact(base);
    try {
      URI uri = URI.create(URI.create(base + path).toASCIIString());
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
      try (Cancel.Registration r = cancel.onCancel(c::disconnect)) {
        return exchange(c, method, json);
      }
    } catch (SocketTimeoutException e) {
      throw new GfException("no answer from " + where + " within " + timeout.toSeconds() + " s");
    } catch (ConnectException e) {
      throw new GfException("cannot reach the runtime at " + where + " (connection refused)");
    } catch (IOException e) {
      throw new GfException("cannot reach the runtime at " + where + ": " + e.getMessage());
    }
  }

  private Answer exchange(HttpURLConnection c, String method, String json) throws IOException {
    c.setRequestMethod(method);
    c.setConnectTimeout((int) Math.min(10_000, timeout.toMillis()));
    c.setReadTimeout((int) timeout.toMillis());
    c.setRequestProperty("Accept", "application/json, application/problem+json");
    if (json != null) {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(body.length);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int status = c.getResponseCode();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    if (in != null) {
      in.close();
    }
    return new Answer(status, text);
  }
}
