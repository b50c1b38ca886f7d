package io.globalfunc.runtime.http;

import io.globalfunc.runtime.RuntimeConfig;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections that stay silent longer than any call can take (its queue wait, its run and a
 * margin to write the answer): a request head sent in part and never finished is closed then,
 * rather than holding a connection for the default 30 minutes. Answers are never cut: every call
 * has an answer before this deadline.
 */
@ApplicationScoped
public class HttpLimits implements HttpServerOptionsCustomizer {

  private static final long MARGIN_SECONDS = 5;

  private final RuntimeConfig config;

  HttpLimits(RuntimeConfig config) {
    this.config = config;
  }

  /** Seconds of silence after which a connection is closed. */
  long idleSeconds() {
    return config.callDeadline().toSeconds() + MARGIN_SECONDS;
  }

  @Override
  public void customizeHttpServer(HttpServerOptions options) {
    options.setIdleTimeout((int) idleSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
  }
}
