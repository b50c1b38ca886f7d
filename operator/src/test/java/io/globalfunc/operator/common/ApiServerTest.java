package io.globalfunc.operator.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What counts as the API server being unreachable, and how its cause is said in one line. */
class ApiServerTest {

  @Test
  void aRefusedConnectionOrAServerErrorIsUnreachableARefusedRequestIsNot() {
    var refused =
        new KubernetesClientException(
            "Operation: [get] for kind: [Secret] failed.",
            new CompletionException(new ConnectException("Connection refused")));
    assertThat(ApiServer.unreachable(refused)).isTrue();
    assertThat(ApiServer.unreachable(new IllegalStateException("wrapped", refused))).isTrue();
    assertThat(ApiServer.unreachable(new KubernetesClientException("etcd timeout", 503, null)))
        .isTrue();
    assertThat(ApiServer.unreachable(new KubernetesClientException("forbidden", 403, null)))
        .isFalse();
    assertThat(ApiServer.unreachable(new KubernetesClientException("conflict", 409, null)))
        .isFalse();
  }

  @Test
  void anotherIoFailureIsNotTheApiServers() {
    // Git or Python failing is a verdict on the release, not an API server outage.
    assertThat(ApiServer.unreachable(new UncheckedIOException(new IOException("git: no route"))))
        .isFalse();
  }

  @Test
  void theCauseIsTheInnermostMessageOnOneLine() {
    var e =
        new KubernetesClientException(
            "Operation: [get] failed.",
            new CompletionException(new ConnectException("Connection\n  refused")));
    assertThat(ApiServer.oneLine(e)).isEqualTo("Connection refused");
    assertThat(ApiServer.oneLine(new IllegalStateException())).isEqualTo("IllegalStateException");
  }
}
