package io.globalfunc.operator.release;

import io.fabric8.kubernetes.api.model.Secret;
import io.globalfunc.core.error.GlobalFuncException;
import io.globalfunc.core.library.GitCredentials;
import io.globalfunc.operator.common.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reads Git credentials from a Secret with Flux-style keys: {@code username} + {@code password}, or
 * {@code token} alone. Values never leave this class except inside {@link GitCredentials}, whose
 * {@code toString} is redacted.
 */
public final class GitSecrets {

  private GitSecrets() {}

  /** Thrown when the Secret exists but holds no usable keys; the message names keys only. */
  public static class UnusableSecretException extends GlobalFuncException {
    public UnusableSecretException(String message) {
      super(Reason.SECRET_NOT_FOUND, message, null);
    }
  }

  /** The credentials in {@code secret}. */
  public static GitCredentials credentials(Secret secret) {
    String username = value(secret, "username");
    String password = value(secret, "password");
    String token = value(secret, "token");
    if (username != null && password != null) {
      return new GitCredentials(username, password);
    }
    if (token != null) {
      return GitCredentials.token(token);
    }
    throw new UnusableSecretException(
        "Secret " + secret.getMetadata().getName() + " needs keys username and password, or token");
  }

  private static String value(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    if (data != null && data.get(key) != null) {
      return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8).strip();
    }
    Map<String, String> plain = secret.getStringData();
    return plain == null ? null : plain.get(key);
  }
}
